import Foundation

/// A legacy link `name[:alias]` (`docker run --link`): on the default bridge it becomes
/// a hosts-file entry `IP name alias`; on user-defined networks an alias.
struct LegacyLink: Equatable, CustomStringConvertible {
    var name: String
    var alias: String?

    init(parsing text: String) throws(CNMError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2, !parts[0].isEmpty, parts.count == 1 || !parts[1].isEmpty else {
            throw CNMError.invalid("links", text, "expected NAME or NAME:ALIAS")
        }
        try Identifiers.validateName(parts[0], field: "links")
        if parts.count == 2 { try Identifiers.validateName(parts[1], field: "links") }
        name = parts[0]
        alias = parts.count == 2 ? parts[1] : nil
    }

    var description: String { alias.map { "\(name):\($0)" } ?? name }
}

/// Checks of published ports.
enum PortBindings {
    static func validate(_ binding: PortBindingSpec) throws(CNMError) {
        guard (1...65535).contains(binding.hostPort) else {
            throw CNMError.invalid("portBindings.hostPort", "\(binding.hostPort)", "must be 1-65535")
        }
        guard (1...65535).contains(binding.containerPort) else {
            throw CNMError.invalid(
                "portBindings.containerPort", "\(binding.containerPort)", "must be 1-65535")
        }
        guard binding.proto.isEmpty || binding.proto == "tcp" || binding.proto == "udp" else {
            throw CNMError.invalid("portBindings.protocol", binding.proto, "expected tcp or udp")
        }
        if !binding.hostIP.isEmpty && !AddressManager.isAddress(binding.hostIP) {
            throw CNMError.invalid("portBindings.hostIp", binding.hostIP, "not an IP address")
        }
    }
}

/// MAC addresses of endpoints.
enum MACAddress {
    /// Lower-case `aa:bb:cc:dd:ee:ff`; rejects anything else, and multicast addresses.
    static func normalize(_ text: String, field: String) throws(CNMError) -> String {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6, parts.allSatisfy({ $0.count == 2 && UInt8($0, radix: 16) != nil }) else {
            throw CNMError.invalid(field, text, "expected a MAC address like 02:42:ac:11:00:02")
        }
        let first = UInt8(parts[0], radix: 16)!
        guard first & 1 == 0 else {
            throw CNMError.invalid(field, text, "a multicast address cannot be used")
        }
        return text.lowercased()
    }

    /// Docker's scheme: 02:42 followed by the IPv4 address; random (locally administered) without one.
    static func generate(ipv4: String?) -> String {
        var bytes: [UInt8] = [0x02, 0x42]
        if let ipv4, case let octets = ipv4.split(separator: ".").compactMap({ UInt8($0) }), octets.count == 4
        {
            bytes += octets
        } else {
            var generator = SystemRandomNumberGenerator()
            bytes += (0..<4).map { _ in UInt8.random(in: 0...255, using: &generator) }
        }
        return bytes.map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined(separator: ":")
    }
}
