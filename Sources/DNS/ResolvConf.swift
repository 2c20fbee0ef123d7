#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The nameservers of a resolv.conf file (resolv.conf(5)); the rest of the file is not needed.
///
/// Hand-written because it is a few lines and no library here reads resolv.conf. Unlike Docker's
/// transformation for containers it drops no nameserver, loopback ones included: cnmd forwards from
/// its own namespace, where they work.
public struct ResolvConf: Hashable, Sendable {
    /// Every `nameserver` line's address, in file order.
    public var nameservers: [DNSUpstreamServer]
    /// `nameserver` values that are not addresses, kept so the caller can report them.
    public var invalidNameservers: [String]

    /// Parses the text of a resolv.conf: `#` and `;` start comments, keywords and values are
    /// separated by blanks.
    public init(parsing text: String) {
        nameservers = []
        invalidNameservers = []
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let content = line.prefix { $0 != "#" && $0 != ";" }
            let words = content.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count >= 2, words[0] == "nameserver" else { continue }
            if let server = DNSUpstreamServer(address: String(words[1])) {
                nameservers.append(server)
            } else {
                invalidNameservers.append(String(words[1]))
            }
        }
    }

    /// Reads and parses the file at `path`.
    public init(contentsOf path: String) throws(ResolvConfError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ResolvConfError(path: path, errno: errno) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw ResolvConfError(path: path, errno: errno) }
            if count == 0 { break }
            bytes += chunk[..<count]
            // resolv.conf files are tiny; a huge file is not one.
            guard bytes.count <= 1 << 20 else { throw ResolvConfError(path: path, errno: EFBIG) }
        }
        self.init(parsing: String(decoding: bytes, as: UTF8.self))
    }
}

/// A resolv.conf that could not be read.
public struct ResolvConfError: Error, Hashable, Sendable, CustomStringConvertible {
    public var path: String
    public var errno: Int32

    public var description: String {
        "cannot read resolv.conf \(path): \(String(cString: strerror(errno)))"
    }
}
