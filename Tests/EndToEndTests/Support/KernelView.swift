import Foundation

/// One interface as `ip -d -j addr show` reports it.
struct KernelInterface: Sendable {
    let name: String
    /// `linkinfo.info_kind` (`bridge`, `veth`, …); empty for plain devices such as `lo`.
    let kind: String
    /// IPv4 addresses as `ADDRESS/PREFIX`.
    let ipv4: [String]
}

/// Reads the kernel's view of a namespace with iproute2 and nft, independently of cnmd.
enum KernelView {
    /// The interfaces of the named namespace (`/run/netns/NAME`).
    static func interfaces(in namespace: String) async throws -> [KernelInterface] {
        let result = try await Command.check(["ip", "-n", namespace, "-d", "-j", "addr", "show"])
        let links =
            try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [[String: Any]]
        return (links ?? []).map { link in
            let info = link["linkinfo"] as? [String: Any]
            let addresses = (link["addr_info"] as? [[String: Any]]) ?? []
            return KernelInterface(
                name: link["ifname"] as? String ?? "",
                kind: info?["info_kind"] as? String ?? "",
                ipv4: addresses.compactMap { address in
                    guard address["family"] as? String == "inet", let local = address["local"] as? String,
                        let prefix = address["prefixlen"] as? Int
                    else { return nil }
                    return "\(local)/\(prefix)"
                })
        }
    }

    /// The interface of `namespace` that holds `address` (plain, without prefix), if any.
    static func interface(holding address: String, in namespace: String) async throws -> KernelInterface? {
        try await interfaces(in: namespace).first { interface in
            interface.ipv4.contains { $0.hasPrefix(address + "/") }
        }
    }

    /// Whether `/run/netns/NAME` is a live network namespace (iproute2 can enter it).
    static func namespaceIsLive(_ name: String) async throws -> Bool {
        try await Command.run(["ip", "netns", "exec", name, "true"]).succeeded
    }

    /// The elements of every set and map of cnm's `inet cnm` table in cnmd's namespace, by
    /// set or map name; each element is its JSON text (keys sorted) so that two listings compare.
    static func cnmTableElements(in namespace: String) async throws -> [String: [String]] {
        let result = try await Command.check([
            "ip", "netns", "exec", namespace, "nft", "-j", "list", "table", "inet", "cnm",
        ])
        let document =
            try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        var elements: [String: [String]] = [:]
        for object in (document?["nftables"] as? [[String: Any]]) ?? [] {
            for kind in ["set", "map"] {
                guard let body = object[kind] as? [String: Any], let name = body["name"] as? String else {
                    continue
                }
                let members = (body["elem"] as? [Any]) ?? []
                elements[name] = try members.map { member in
                    let data = try JSONSerialization.data(
                        withJSONObject: member, options: [.sortedKeys, .fragmentsAllowed])
                    return String(decoding: data, as: UTF8.self)
                }.sorted()
            }
        }
        return elements
    }
}
