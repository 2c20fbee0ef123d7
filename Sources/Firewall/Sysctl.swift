import Glibc

/// Writes kernel settings under /proc/sys for the network namespace of the calling thread.
///
/// /proc/sys/net shows the namespace of the process that opens it, so this only ever changes
/// the namespace cnmd runs in (or a test's private namespace).
enum Sysctl {
    /// `net.ipv4.ip_forward`: route between the bridges and the outside.
    static let ipv4Forwarding = "/proc/sys/net/ipv4/ip_forward"
    /// `net.ipv6.conf.all.forwarding`. Note: it makes interfaces ignore router advertisements
    /// unless their accept_ra is 2, which is why it is only turned on when asked for.
    static let ipv6Forwarding = "/proc/sys/net/ipv6/conf/all/forwarding"

    /// `net.bridge.bridge-nf-call-iptables` / `-ip6tables` (per namespace since Linux 5.3; absent
    /// when the br_netfilter module is not loaded): hands bridged IP traffic to the inet hooks,
    /// which icc=false needs, as Docker's does.
    static let bridgeNetfilter4 = "/proc/sys/net/bridge/bridge-nf-call-iptables"
    static let bridgeNetfilter6 = "/proc/sys/net/bridge/bridge-nf-call-ip6tables"

    /// `net.ipv4.conf.BRIDGE.route_localnet`: lets DNAT send host traffic from 127.0.0.1 to a
    /// published port out of the bridge (Docker sets it when it runs without its userland proxy).
    static func routeLocalnet(bridge: String) -> String {
        "/proc/sys/net/ipv4/conf/\(bridge)/route_localnet"
    }

    static func write(_ path: String, _ value: String) throws(FirewallError) {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw error(path) }
        defer { close(fd) }
        let bytes = Array(value.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw error(path) }
    }

    private static func error(_ path: String) -> FirewallError {
        let code = errno
        return .sysctl(path: path, errno: code, message: String(cString: strerror(code)))
    }
}
