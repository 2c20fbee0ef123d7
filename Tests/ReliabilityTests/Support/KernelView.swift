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

    /// The device group of the bridges cnmd creates ("co" in ASCII), set by the create request
    /// itself, before the bridge gets its cnm: mark.
    static let cnmBridgeGroup = 0x636F

    /// The device group cnmd moves links into right before one bulk delete of the group
    /// ("cm" in ASCII): outside such a delete, no link belongs in it.
    static let cnmDoomedGroup = 0x636D

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

/// cnm's nftables elements as `nft -j` lists them.
struct FirewallView: Sendable {
    /// The sets whose elements describe networks, keyed on the bridge name.
    static let networkSets: Set<String> = [
        "cnm_bridges", "cnm_bridge_pairs", "cnm_internal", "cnm_icc_off", "cnm_masq", "cnm_nets4",
        "cnm_nets6",
    ]

    /// Elements per set of `networkSets`, as text: `br-x`, `br-x . br-x`, `br-x . 172.18.0.0/24`.
    var elements: [String: Set<String>] = [:]
    /// The elements of `cnm_dnat4_any`.
    var ports = Set<PublishedPort>()

    /// One element as text: a string, a prefix (`addr/len`) or a concatenation of them (` . `).
    static func text(of element: Any) -> String {
        if let string = element as? String { return string }
        if let number = element as? Int { return String(number) }
        if let object = element as? [String: Any] {
            if let parts = object["concat"] as? [Any] { return parts.map(text(of:)).joined(separator: " . ") }
            if let prefix = object["prefix"] as? [String: Any] {
                return "\(prefix["addr"] as? String ?? "?")/\(prefix["len"] as? Int ?? -1)"
            }
            // A set element with attributes (timeout, comment): {"elem": {"val": …}}.
            if let inner = object["elem"] as? [String: Any], let value = inner["val"] {
                return text(of: value)
            }
        }
        return "\(element)"
    }
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

    /// The elements of cnm's nftables sets that describe networks, and its published ports.
    static func firewall(in netns: String) async throws -> FirewallView {
        let json = try await Shell.json([
            "nsenter", "--net=/run/netns/\(netns)", "nft", "-j", "list", "table", "inet", "cnm",
        ])
        let objects = (json as? [String: Any])?["nftables"] as? [[String: Any]] ?? []
        var view = FirewallView()
        for object in objects {
            if let set = object["set"] as? [String: Any], let name = set["name"] as? String,
                FirewallView.networkSets.contains(name)
            {
                view.elements[name, default: []].formUnion(
                    (set["elem"] as? [Any] ?? []).map(FirewallView.text(of:)))
            }
            if let map = object["map"] as? [String: Any], map["name"] as? String == "cnm_dnat4_any" {
                for element in map["elem"] as? [[Any]] ?? [] where element.count == 2 {
                    let key = (element[0] as? [String: Any])?["concat"] as? [Any] ?? []
                    let value = (element[1] as? [String: Any])?["concat"] as? [Any] ?? []
                    guard key.count == 2, value.count == 2 else { continue }
                    view.ports.insert(
                        PublishedPort(
                            proto: key[0] as? String ?? "?", hostPort: key[1] as? Int ?? -1,
                            address: value[0] as? String ?? "?", containerPort: value[1] as? Int ?? -1))
                }
            }
        }
        return view
    }

    /// The local addresses with a DNS listener (port 53) in a named namespace, as
    /// `udp 172.18.0.1` / `tcp 172.18.0.1`, read with `ss`.
    static func dnsListeners(in netns: String) async throws -> Set<String> {
        let result = try await Shell.checked([
            "nsenter", "--net=/run/netns/\(netns)", "ss", "-H", "-l", "-n", "-t", "-u",
        ])
        var listeners = Set<String>()
        for line in result.text.split(separator: "\n") {
            // netid state recv-q send-q local peer
            let columns = line.split(separator: " ", omittingEmptySubsequences: true)
            guard columns.count >= 5, let colon = columns[4].lastIndex(of: ":"),
                columns[4][columns[4].index(after: colon)...] == "53"
            else { continue }
            let address = columns[4][..<colon].trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            listeners.insert("\(columns[0]) \(address)")
        }
        return listeners
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
