import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A network interface as `ip -j -d link` shows it.
struct KernelLink: Sendable {
    var name: String
    var alias: String?
    var kind: String?
    var master: String?
    var isUp: Bool
    /// The device group (0 is the default group).
    var group: Int

    /// The device group of the host-side veths cnmd creates ("cn" in ASCII).
    static let cnmVethGroup = 0x636E

    /// The object ID of a link marked as cnmd's (`ifalias cnm:<id>`).
    var cnmOwner: String? {
        guard let alias, alias.hasPrefix("cnm:") else { return nil }
        return String(alias.dropFirst(4))
    }
}

/// A published port as nftables holds it in `cnm_dnat4_any`: `proto . port : address . port`.
struct PublishedPort: Sendable, Hashable, CustomStringConvertible {
    var proto: String
    var hostPort: Int
    var address: String
    var containerPort: Int

    var description: String { "\(self.proto)/\(self.hostPort)→\(self.address):\(self.containerPort)" }
}

/// The kernel objects the tests look at, read with iproute2 and nft (independent of cnmd's own
/// netlink code).
enum KernelView {
    /// Links of a named namespace.
    static func links(in netns: String) async throws -> [KernelLink] {
        let json = try await Shell.json(["ip", "-n", netns, "-j", "-d", "link", "show"])
        return (json as? [[String: Any]] ?? []).map { entry in
            KernelLink(
                name: entry["ifname"] as? String ?? "",
                alias: entry["ifalias"] as? String,
                kind: (entry["linkinfo"] as? [String: Any])?["info_kind"] as? String,
                master: entry["master"] as? String,
                isUp: (entry["flags"] as? [String] ?? []).contains("UP"),
                group: entry["group"] as? Int ?? (entry["group"] as? String).flatMap { Int($0) } ?? 0)
        }
    }

    /// The gateway of the IPv4 default route of a named namespace, if it has one.
    static func defaultGateway(in netns: String) async throws -> String? {
        let json = try await Shell.json(["ip", "-n", netns, "-j", "-4", "route", "show", "default"])
        return (json as? [[String: Any]] ?? []).first?["gateway"] as? String
    }

    /// IPv4 addresses (CIDR) per interface of a named namespace.
    static func addresses(in netns: String) async throws -> [String: [String]] {
        let json = try await Shell.json(["ip", "-n", netns, "-j", "addr", "show"])
        var result: [String: [String]] = [:]
        for entry in json as? [[String: Any]] ?? [] {
            let name = entry["ifname"] as? String ?? ""
            let infos = entry["addr_info"] as? [[String: Any]] ?? []
            result[name] = infos.compactMap { info in
                guard info["family"] as? String == "inet", let local = info["local"] as? String,
                    let length = info["prefixlen"] as? Int
                else { return nil }
                return "\(local)/\(length)"
            }
        }
        return result
    }

    /// Names under /run/netns.
    static func namespaceNames() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: "/run/netns")) ?? []
    }

    /// Whether /run/netns/NAME is a live network namespace (not a leftover plain file).
    static func isLiveNamespace(_ name: String) -> Bool {
        let fd = open("/run/netns/\(name)", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        // NS_GET_NSTYPE (_IO(0xb7, 0x3)) answers CLONE_NEWNET for a network namespace.
        return ioctl(fd, 0xb703) == 0x4000_0000
    }

    /// The elements of cnm's nftables sets that name bridges and published ports.
    static func firewall(in netns: String) async throws -> (bridges: Set<String>, ports: Set<PublishedPort>) {
        let json = try await Shell.json([
            "nsenter", "--net=/run/netns/\(netns)", "nft", "-j", "list", "table", "inet", "cnm",
        ])
        let objects = (json as? [String: Any])?["nftables"] as? [[String: Any]] ?? []
        var bridges = Set<String>()
        var ports = Set<PublishedPort>()
        for object in objects {
            if let set = object["set"] as? [String: Any], set["name"] as? String == "cnm_bridges" {
                bridges.formUnion((set["elem"] as? [Any] ?? []).compactMap { $0 as? String })
            }
            if let map = object["map"] as? [String: Any], map["name"] as? String == "cnm_dnat4_any" {
                for element in map["elem"] as? [[Any]] ?? [] where element.count == 2 {
                    let key = (element[0] as? [String: Any])?["concat"] as? [Any] ?? []
                    let value = (element[1] as? [String: Any])?["concat"] as? [Any] ?? []
                    guard key.count == 2, value.count == 2 else { continue }
                    ports.insert(
                        PublishedPort(
                            proto: key[0] as? String ?? "?", hostPort: key[1] as? Int ?? -1,
                            address: value[0] as? String ?? "?", containerPort: value[1] as? Int ?? -1))
                }
            }
        }
        return (bridges, ports)
    }

    /// Whether an ICMP echo from inside `netns` to `address` is answered within a second, in
    /// up to three tries (one lost echo on a loaded machine is no broken path; a wrong MAC or
    /// a missing route fails all three).
    static func ping(from netns: String, to address: String) async -> Bool {
        for _ in 0..<3 {
            let result = try? await Shell.run(
                ["nsenter", "--net=/run/netns/\(netns)", "ping", "-n", "-q", "-c1", "-W1", address])
            if result?.status == 0 { return true }
        }
        return false
    }
}

/// Runs `work` for every element with at most `width` at a time; the results keep the input order.
func concurrentMap<T: Sendable, R: Sendable>(
    _ items: [T], width: Int, _ work: @escaping @Sendable (T) async throws -> R
) async throws -> [R] {
    try await withThrowingTaskGroup(of: (Int, R).self) { group in
        var results = [R?](repeating: nil, count: items.count)
        var next = 0
        while next < min(width, items.count) {
            let index = next
            group.addTask { (index, try await work(items[index])) }
            next += 1
        }
        while let (index, result) = try await group.next() {
            results[index] = result
            if next < items.count {
                let index = next
                group.addTask { (index, try await work(items[index])) }
                next += 1
            }
        }
        return results.map { $0! }
    }
}
