/// Certificates for a TLS endpoint; all PEM files.
public struct CNMTLSConfiguration: Sendable, Hashable {
    /// CA certificates that sign the server's certificate; `nil` trusts the system's roots.
    public var caFile: String?
    /// The client certificate (chain) presented to servers that ask for one.
    public var certificateFile: String?
    /// The private key of ``certificateFile``.
    public var keyFile: String?
    /// The name checked against the server's certificate and sent as SNI; `nil` uses the
    /// endpoint's host (an IP address is checked against the certificate's IP SANs).
    public var serverName: String?

    public init(
        caFile: String? = nil, certificateFile: String? = nil, keyFile: String? = nil,
        serverName: String? = nil
    ) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.serverName = serverName
    }
}
