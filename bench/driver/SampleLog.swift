import Foundation

/// Raw timing samples as CSV lines `tool,operation,n,milliseconds`, appended as they are taken,
/// so that ``SideBySideReport`` computes every tool's statistics the same way.
final class SampleLog {
    private let handle: FileHandle?
    private(set) var samples: [SampleKey: Samples] = [:]
    private(set) var order: [SampleKey] = []

    /// - Parameter path: the CSV file to append to; `nil` keeps the samples in memory only.
    init(path: String?) throws {
        if let path {
            if !FileManager.default.fileExists(atPath: path) {
                guard
                    FileManager.default.createFile(atPath: path, contents: Data("tool,operation,n,ms\n".utf8))
                else { throw BenchError("cannot create \(path)") }
            }
            guard let handle = FileHandle(forWritingAtPath: path) else {
                throw BenchError("cannot open \(path) for writing")
            }
            handle.seekToEndOfFile()
            self.handle = handle
        } else {
            self.handle = nil
        }
    }

    deinit {
        try? self.handle?.close()
    }

    /// Records one sample.
    func record(_ key: SampleKey, _ milliseconds: Double) {
        if self.samples[key] == nil { self.order.append(key) }
        self.samples[key, default: Samples()].append(milliseconds)
        let line =
            "\(CSV.field(key.tool)),\(CSV.field(key.operation)),\(key.n),\(String(format: "%.4f", milliseconds))\n"
        self.handle?.write(Data(line.utf8))
    }

    /// Times `body` and records it under `key`.
    @discardableResult
    func time<T>(_ key: SampleKey, _ body: () async throws -> T) async rethrows -> T {
        let clock = ContinuousClock()
        let start = clock.now
        let result = try await body()
        self.record(key, Stopwatch.milliseconds(clock.now - start))
        return result
    }
}

/// What a sample measures: which tool, which operation, at which population `n`.
struct SampleKey: Hashable, Sendable {
    var tool: String
    var operation: String
    var n: Int
}
