import ArgumentParser
import CNMClient

/// Where `cnm` finds cnmd: `--host` (or `CNM_HOST`) and the TLS files.
public struct ConnectionOptions: ParsableArguments, Sendable {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "cnmd to talk to: unix:///PATH, h2c://HOST:PORT or https://HOST:PORT (default: $CNM_HOST, else unix:///run/cnm/cnmd.sock).",
            valueName: "host"))
    public var host: String?

    @Option(
        name: .customLong("tls-ca"),
        help: ArgumentHelp("CA certificates (PEM) that sign cnmd's certificate.", valueName: "file"))
    public var tlsCA: String?

    @Option(
        name: .customLong("tls-cert"),
        help: ArgumentHelp("Client certificate (PEM) for TLS.", valueName: "file"))
    public var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("Key (PEM) of --tls-cert.", valueName: "file"))
    public var tlsKey: String?

    public init() {}

    /// The environment variable that sets the host when `--host` is not given.
    public static let hostVariable = "CNM_HOST"

    /// `--host`, else `CNM_HOST` (when set and not empty), else cnmd's default socket.
    /// - Throws: `ValidationError` naming the value and what is wrong with it.
    public func endpoint(environment: [String: String]) throws -> CNMEndpoint {
        let text = host ?? environment[Self.hostVariable].flatMap { $0.isEmpty ? nil : $0 }
        guard let text else { return .default }
        do {
            return try CNMEndpoint(parsing: text)
        } catch {
            let source = host == nil ? " (from \(Self.hostVariable))" : ""
            throw ValidationError("\(error.description)\(source)")
        }
    }

    /// The TLS files given.
    public var tls: CNMTLSConfiguration {
        CNMTLSConfiguration(caFile: tlsCA, certificateFile: tlsCert, keyFile: tlsKey)
    }

    public func validate() throws {
        if (tlsCert == nil) != (tlsKey == nil) {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
    }
}
