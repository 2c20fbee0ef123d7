import NIOCore
import NIOPosix
import NIOSSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Short, human-readable text for the errors NIO reports when a connection fails, e.g.
/// `No such file or directory` instead of
/// `connect(descriptor:addr:size:): No such file or directory (errno: 2)`.
enum TransportErrorText {
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as IOError:
            return String(cString: strerror(error.errnoCode))
        case let error as NIOConnectionError:
            if let first = error.connectionErrors.first {
                return describe(first.error)
            }
            if let dns = error.dnsAError ?? error.dnsAAAAError {
                return "cannot resolve \(error.host): \(dns)"
            }
            return "cannot resolve \(error.host)"
        case NIOSSLError.handshakeFailed(let error):
            return "TLS handshake failed: \(reasons(error))"
        case NIOSSLError.uncleanShutdown:
            return "the server closed the TLS connection uncleanly"
        case let error as BoringSSLError:
            return "TLS error: \(reasons(error))"
        case ChannelError.connectTimeout(let timeout):
            return "connecting timed out after \(timeout.nanoseconds / 1_000_000) ms"
        case ChannelError.ioOnClosedChannel, ChannelError.alreadyClosed, ChannelError.eof:
            return "the connection is closed"
        default:
            return String(describing: error)
        }
    }

    /// `CERTIFICATE_VERIFY_FAILED` out of BoringSSL's
    /// `Error: 268435581 error:1000007d:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED at FILE:LINE`.
    private static func reasons(_ error: BoringSSLError) -> String {
        guard case .sslError(let errors) = error, !errors.isEmpty else { return "\(error)" }
        let texts = errors.map { sslError -> String in
            var text = Substring(sslError.description)
            if let at = text.firstRange(of: " at ") { text = text[..<at.lowerBound] }
            if let colon = text.lastIndex(of: ":") { text = text[text.index(after: colon)...] }
            return String(text)
        }
        var reason = texts.joined(separator: ", ")
        if texts.contains("CERTIFICATE_VERIFY_FAILED") {
            reason += " (is the server's certificate signed by the configured CA, --tls-ca?)"
        }
        if texts.contains("TLSV1_ALERT_CERTIFICATE_REQUIRED") {
            reason += " (the server wants a client certificate, --tls-cert and --tls-key)"
        }
        return reason
    }
}
