import ArgumentParser
import CNMCore
import CNMServer
import Foundation
import Logging

/// cnmd: the container-networking daemon. Starts the controller, serves the cnm API over
/// Connect on the configured listeners, and stops gracefully on SIGTERM or SIGINT, leaving
/// every network in place.
@main
struct CNMD: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cnmd",
        abstract: "The cnm container-networking daemon (Container Network Model over Connect).",
        version: CNMD.version.version)

    static let version = DaemonVersion(version: "0.1.0", apiVersion: "v1")

    @Option(help: "Unix socket to serve on.")
    var socket = "/run/cnm/cnmd.sock"

    @Option(name: .customLong("state-dir"), help: "Directory of the state store.")
    var stateDir = "/var/lib/cnm"

    @Option(
        help: ArgumentHelp(
            "Also serve TLS on this TCP address (needs --tls-cert and --tls-key).", valueName: "host:port"))
    var listen: String?

    @Option(
        name: .customLong("tls-cert"),
        help: ArgumentHelp("Server certificate chain (PEM).", valueName: "file"))
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("Server private key (PEM).", valueName: "file"))
    var tlsKey: String?

    @Option(
        name: .customLong("tls-ca"),
        help: ArgumentHelp("Require client certificates signed by this CA (PEM).", valueName: "file"))
    var tlsCA: String?

    @Option(
        name: .customLong("listen-h2c"),
        help: ArgumentHelp(
            "Also serve cleartext HTTP/2 on this TCP address (loopback only without --insecure).",
            valueName: "host:port"))
    var listenH2C: String?

    @Option(
        name: .customLong("default-address-pool"),
        help: ArgumentHelp("Address pool of user networks, base=CIDR,size=N (repeatable).", valueName: "pool")
    )
    var defaultAddressPools: [String] = []

    @Option(name: .customLong("bridge-name"), help: "Bridge of the default network.")
    var bridgeName = "cnm0"

    @Option(
        name: .customLong("bridge-subnet"),
        help: ArgumentHelp("Subnet of the default network.", valueName: "cidr"))
    var bridgeSubnet: String?

    @Option(help: ArgumentHelp("Firewall backend: nftables or none.", valueName: "backend"))
    var firewall = "nftables"

    @Option(
        name: .customLong("dns-upstream"),
        help: ArgumentHelp("Where embedded DNS forwards: host, none or IP[:PORT].", valueName: "upstream"))
    var dnsUpstream = "host"

    @Flag(name: .customLong("default-bridge-dns"), help: "Give the default bridge network embedded DNS too.")
    var defaultBridgeDNS = false

    @Option(name: .customLong("socket-group"), help: "Group owning the Unix socket (mode 0660).")
    var socketGroup: String?

    @Flag(help: "Allow --listen-h2c on a non-loopback address.")
    var insecure = false

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    @Option(name: .customLong("log-format"), help: "text or json.")
    var logFormat = "text"

    mutating func validate() throws {
        guard Logger.Level(rawValue: self.logLevel) != nil else {
            throw ValidationError(
                "--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard ["text", "json"].contains(self.logFormat) else {
            throw ValidationError("--log-format must be text or json")
        }
        guard ["nftables", "none"].contains(self.firewall) else {
            throw ValidationError("--firewall must be nftables or none")
        }
        if self.listen != nil, self.tlsCert == nil || self.tlsKey == nil {
            throw ValidationError("--listen needs --tls-cert and --tls-key")
        }
        if self.listen == nil, self.tlsCert != nil || self.tlsKey != nil || self.tlsCA != nil {
            throw ValidationError("--tls-cert, --tls-key and --tls-ca only apply with --listen")
        }
    }

    func run() async throws {
        let logger = self.bootstrapLogging()
        do {
            try await self.serve(logger: logger)
        } catch {
            if self.logFormat == "json" { logger.critical("\(error)") }
            FileHandle.standardError.write(Data("cnmd: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    private func serve(logger: Logger) async throws {
        let listeners = try self.listeners()
        // Refuse before touching the kernel when another cnmd serves the socket.
        try await ConnectServer.claimUnixSocket(self.socket)

        let controller = try Controller(configuration: try self.controllerConfiguration(), logger: logger)
        try await controller.start()

        let server = ConnectServer(
            router: CNMServices.router(controller: controller, version: Self.version), logger: logger)
        let bound = try await server.start(listeners)
        logger.notice(
            "cnmd \(Self.version.version) serving", metadata: ["listeners": "\(bound.map(\.description))"])

        var signals = ShutdownSignal.stream().makeAsyncIterator()
        guard let signal = await signals.next() else { return }
        logger.notice(
            "\(signal) received: finishing calls in flight; networks stay in place (again to force)")
        // A second signal stops at once, for calls that do not finish.
        let impatience = Task {
            if let again = await signals.next() {
                logger.warning("\(again) received again: exiting without waiting for calls")
                Foundation.exit(1)
            }
        }
        await server.shutdown()
        impatience.cancel()
    }

    private func listeners() throws -> [Listener] {
        var listeners: [Listener] = [.unixSocket(self.socket, group: self.socketGroup)]
        if let listen = self.listen, let certificate = self.tlsCert, let key = self.tlsKey {
            listeners.append(
                .tls(
                    try HostAndPort(parsing: listen),
                    files: .init(certificateChain: certificate, privateKey: key, clientCA: self.tlsCA)))
        }
        if let listenH2C = self.listenH2C {
            listeners.append(.h2c(try HostAndPort(parsing: listenH2C), allowNonLoopback: self.insecure))
        }
        return listeners
    }

    private func controllerConfiguration() throws -> ControllerConfiguration {
        ControllerConfiguration(
            stateDirectory: self.stateDir, defaultAddressPools: self.defaultAddressPools,
            defaultBridgeName: self.bridgeName, defaultBridgeSubnet: self.bridgeSubnet ?? "",
            firewallEnabled: self.firewall == "nftables",
            dnsUpstream: try DNSUpstreamSetting(parsing: self.dnsUpstream),
            defaultBridgeDNS: self.defaultBridgeDNS,
            machineID: (try? String(contentsOfFile: "/etc/machine-id", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? "")
    }

    private func bootstrapLogging() -> Logger {
        let level = Logger.Level(rawValue: self.logLevel) ?? .info
        let json = self.logFormat == "json"
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler =
                json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "cnmd")
    }
}
