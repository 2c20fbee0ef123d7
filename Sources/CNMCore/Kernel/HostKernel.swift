import Firewall
import Foundation
import Netlink
import Synchronization

/// The kernel as cnmd's own namespace shows it: its netlink socket, and the
/// questions the controller asks of it (host routes, links).
final class HostKernel: Sendable {
    /// The namespace cnmd runs in (host sandboxes share it).
    let namespace: NetworkNamespace
    let socket: NetlinkSocket
    /// cnmd's nftables table (`inet cnm`), absent with `--firewall none`.
    private let firewall: Firewall?
    /// Whether the calling threads already are in `namespace` (always, in cnmd).
    private let isProcessNamespace: Bool
    /// Sockets of `namespace` not in use, for kernel work running beside other work.
    private let spareSockets = Mutex<[NetlinkSocket]>([])

    /// Opens the netlink socket and the nftables context in the calling thread's namespace.
    init(firewallEnabled: Bool) throws {
        namespace = try NetworkNamespace.ofCurrentThread()
        socket = try NetlinkSocket()
        firewall = firewallEnabled ? try Firewall() : nil
        isProcessNamespace = namespace.isSame(as: NetworkNamespace.current)
    }

    /// Runs firewall work (nft and the sysctls under /proc/sys, which follow the calling
    /// thread's namespace) in cnmd's namespace; nil without a firewall.
    @discardableResult
    func withFirewall<T>(_ body: (Firewall) throws -> T) throws -> T? {
        guard let firewall else { return nil }
        if isProcessNamespace { return try body(firewall) }
        return try withNetns(namespace) { try body(firewall) }
    }

    /// Runs `body` with a netlink socket of cnmd's namespace that nothing else uses meanwhile.
    ///
    /// `socket` serializes its callers, so kernel work of two networks running side by side
    /// (`KernelLanes`) would still queue on it: a veth delete holds it for tens of
    /// milliseconds. Each lane borrows a socket of its own instead; the pool only grows to
    /// the number of lanes busy at once.
    func withSpareSocket<T>(_ body: (NetlinkSocket) throws -> T) throws -> T {
        let socket = try spareSockets.withLock { $0.popLast() } ?? openSocket()
        defer { spareSockets.withLock { $0.append(socket) } }
        return try body(socket)
    }

    private func openSocket() throws -> NetlinkSocket {
        isProcessNamespace ? try NetlinkSocket() : try NetlinkSocket(in: namespace)
    }

    /// Turns IPv6 off on a host-side bridge port (`net.ipv6.conf.NAME.disable_ipv6`).
    ///
    /// A port only forwards frames; its IPv6 state is a multicast route (and, unless its
    /// address generation is off, a link-local address and route) per port in cnmd's IPv6
    /// routing table, and the kernel walks that whole table on every link delete
    /// (`fib6_ifdown`): at 5,000 ports that walk was a third of every attach and detach.
    /// A kernel without IPv6 has no such file, and nothing to turn off.
    func disableIPv6(interface name: String) throws {
        let path = "/proc/sys/net/ipv6/conf/\(name)/disable_ipv6"
        let write = {
            let fd = open(path, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { return errno == ENOENT ? 0 : errno }
            defer { close(fd) }
            return Glibc.write(fd, "1", 1) == 1 ? 0 : errno
        }
        // /proc/sys/net shows the namespace of the calling thread.
        let failure = isProcessNamespace ? write() : try withNetns(namespace) { write() }
        guard failure == 0 else {
            throw CNMError(.internalError, "writing 1 to \(path): \(String(cString: strerror(failure)))")
        }
    }

    /// Prefixes of main-table routes that automatic subnet picks must avoid: every
    /// route except default routes, link-local ones and `excluded` (the subnets of
    /// cnm's own networks, whose bridges carry them). Only the families asked for are
    /// listed: the kernel's IPv6 dump holds every interface's routes, thousands at scale.
    func hostRoutePrefixes(excluding excluded: Set<String>, ipv6: Bool = true) throws -> [String] {
        var prefixes: [String] = []
        for family in ipv6 ? [AddressFamily.ipv4, .ipv6] : [.ipv4] {
            for route in try socket.routes(family: family) {
                guard !route.isDefault else { continue }
                let destination = route.destination
                if excluded.contains(destination) { continue }
                if destination.hasPrefix("fe80:") || destination.hasPrefix("ff00:") { continue }
                prefixes.append(destination)
            }
        }
        return prefixes
    }

}

/// A sandbox's namespace, opened once, with a netlink socket bound to it.
final class SandboxNamespace: Sendable {
    let namespace: NetworkNamespace
    let socket: NetlinkSocket

    init(_ namespace: NetworkNamespace) throws {
        self.namespace = namespace
        self.socket = try NetlinkSocket(in: namespace)
    }

    /// Brings the loopback interface up.
    func bringLoopbackUp() throws {
        guard let loopback = try socket.link(named: "lo") else { return }
        if !loopback.isUp { try socket.setUp(index: loopback.index) }
    }
}
