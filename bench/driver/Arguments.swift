/// `--name value` options after the subcommand.
///
/// Hand-parsed rather than with swift-argument-parser: this target depends on the SDK
/// (CNMClient, CNMAPI) only, and its few options are all `--name value` pairs or flags.
struct Arguments {
    private var values: [String: String] = [:]
    private var flags: Set<String> = []

    /// Parses `arguments`; `flagNames` are the options that take no value.
    init(_ arguments: some Sequence<String>, flagNames: Set<String> = []) throws {
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            guard argument.hasPrefix("--") else { throw BenchError("unexpected argument '\(argument)'") }
            let name = String(argument.dropFirst(2))
            if flagNames.contains(name) {
                self.flags.insert(name)
            } else if let value = iterator.next() {
                self.values[name] = value
            } else {
                throw BenchError("--\(name) needs a value")
            }
        }
    }

    func string(_ name: String) -> String? { self.values[name] }

    func string(_ name: String, default value: String) -> String { self.values[name] ?? value }

    func required(_ name: String) throws -> String {
        guard let value = self.values[name] else { throw BenchError("--\(name) is required") }
        return value
    }

    func int(_ name: String, default value: Int) throws -> Int {
        guard let text = self.values[name] else { return value }
        guard let number = Int(text), number >= 0 else {
            throw BenchError("--\(name): '\(text)' is not a count")
        }
        return number
    }

    /// A comma-separated list of counts, e.g. `1,100,1000`.
    func ints(_ name: String, default value: [Int]) throws -> [Int] {
        guard let text = self.values[name] else { return value }
        return try text.split(separator: ",").map {
            guard let number = Int($0), number > 0 else {
                throw BenchError("--\(name): '\($0)' is not a count")
            }
            return number
        }
    }

    func flag(_ name: String) -> Bool { self.flags.contains(name) }
}
