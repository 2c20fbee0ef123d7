import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The nameservers of a resolv.conf, re-read whenever the file changes (DHCP, VPNs and
/// systemd-resolved rewrite it while cnmd runs). A `stat` per forwarded query decides.
final class HostNameservers: Sendable {
    /// What identifies one version of the file.
    private struct Stamp: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var seconds: Int
        var nanoseconds: Int
    }

    private let path: String
    private let logger: Logger
    /// The last version read and its servers; `failed` keeps an unreadable file from being
    /// reported on every query.
    private let cache = Mutex<(stamp: Stamp?, servers: [DNSUpstreamServer], failed: Bool)>((nil, [], false))

    init(path: String, logger: Logger) {
        self.path = path
        self.logger = logger
    }

    /// The current nameservers; empty when the file cannot be read.
    func servers() -> [DNSUpstreamServer] {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            unreadable(ResolvConfError(path: path, errno: code))
            return []
        }
        let stamp = Stamp(
            device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
            seconds: Int(info.st_mtim.tv_sec), nanoseconds: Int(info.st_mtim.tv_nsec))
        if let cached = cache.withLock({ $0.stamp == stamp ? $0.servers : nil }) { return cached }
        let conf: ResolvConf
        do {
            conf = try ResolvConf(contentsOf: path)
        } catch {
            unreadable(error)
            return []
        }
        if !conf.invalidNameservers.isEmpty {
            logger.warning(
                "DNS upstream resolv.conf has nameservers that are not addresses",
                metadata: ["path": "\(path)", "values": "\(conf.invalidNameservers)"])
        }
        logger.info("DNS upstream servers", metadata: ["path": "\(path)", "servers": "\(conf.nameservers)"])
        cache.withLock { $0 = (stamp, conf.nameservers, false) }
        return conf.nameservers
    }

    private func unreadable(_ error: ResolvConfError) {
        let first = cache.withLock { state in
            defer { state = (nil, [], true) }
            return !state.failed
        }
        if first {
            logger.warning(
                "DNS upstream resolv.conf is unreadable; foreign names get SERVFAIL",
                metadata: ["error": "\(error)"])
        }
    }
}
