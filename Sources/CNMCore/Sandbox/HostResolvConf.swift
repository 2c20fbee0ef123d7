import Foundation

/// Reads the nameservers of a resolv.conf (cnmd's own namespace's).
enum HostResolvConf {
    /// Every `nameserver` address, in file order.
    static func nameservers(path: String) -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(whereSeparator: \.isNewline).compactMap { line in
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, fields[0] == "nameserver" else { return nil }
            return String(fields[1])
        }
    }

    /// The nameservers as host prefixes, so that automatic subnet picks avoid them.
    static func nameserverPrefixes(path: String) -> [String] {
        nameservers(path: path).map { $0.contains(":") ? "\($0)/128" : "\($0)/32" }
    }

    /// Whether an address is a loopback one (127.0.0.0/8 or ::1), unusable from another namespace.
    static func isLoopback(_ address: String) -> Bool {
        address.hasPrefix("127.") || address == "::1"
    }
}
