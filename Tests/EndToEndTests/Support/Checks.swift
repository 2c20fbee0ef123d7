import CNMAPI
import CNMClient
import Foundation

/// Small predicates the tests share.
enum Checks {
    /// Whether `text` is exactly `count` lower-case hex digits.
    static func isHex(_ text: some StringProtocol, count: Int) -> Bool {
        text.count == count && text.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
    }

    /// Whether `error` is a ``CNMError`` with `code`.
    static func isCNMError(_ error: any Error, _ code: CNMErrorCode) -> Bool {
        (error as? CNMError)?.code == code
    }

    /// The address part of a CIDR (`172.18.0.2/24` → `172.18.0.2`).
    static func address(_ cidr: String) -> String {
        String(cidr.split(separator: "/").first ?? "")
    }

    /// Filters for a List request: one value per key.
    static func filters(_ pairs: [String: String]) -> [String: Cnm_V1_FilterValues] {
        pairs.mapValues { value in
            var values = Cnm_V1_FilterValues()
            values.values = [value]
            return values
        }
    }

    /// The entries of a hosts file, each as its fields (`[address, name, alias…]`).
    static func hostsEntries(_ path: String) throws -> [[String]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").compactMap { line in
            let fields = line.split(whereSeparator: \.isWhitespace).map(String.init)
            return fields.isEmpty || fields[0].hasPrefix("#") ? nil : fields
        }
    }
}
