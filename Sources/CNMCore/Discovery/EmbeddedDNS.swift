import DNS
import Logging

/// The embedded DNS of cnmd: one resolver answering on the gateway address of every
/// network with DNS, from a record table the controller republishes after each
/// change (so connect and disconnect are visible to the next query).
final class EmbeddedDNS: Sendable {
    let records = DNSMembership()
    private let server: DNSServer

    init(upstream: DNSUpstreamSetting, hostResolvConf: String, port: Int, logger: Logger) throws {
        let resolved: DNSUpstream
        switch upstream {
        case .none: resolved = .none
        case .host: resolved = .host(resolvConf: hostResolvConf)
        case .server(let text):
            guard let parsed = DNSUpstream(argument: text) else {
                throw CNMError.invalid(
                    "dns-upstream", text, "expected host, none or IP[:PORT][,IP[:PORT]...]")
            }
            resolved = parsed
        }
        server = DNSServer(
            source: records, configuration: DNSServer.Configuration(port: port, upstream: resolved),
            logger: logger)
    }

    /// Listens on exactly `addresses` (gateways), starting new listeners and stopping old ones.
    func listen(on addresses: Set<String>) async throws {
        let wanted = Set(addresses.compactMap(DNSAddress.init))
        let current = Set(await server.listeners.map(\.address))
        let stale = current.subtracting(wanted)
        if !stale.isEmpty { await server.stop(addresses: Array(stale)) }
        let new = wanted.subtracting(current)
        if !new.isEmpty { try await server.start(addresses: new.sorted { $0.description < $1.description }) }
    }

    func stop() async { await server.stop() }

    /// The DNS names of an endpoint: its sandbox's name and hostname, the endpoint's
    /// own name, its aliases and its links' aliases; and its addresses.
    static func member(_ endpoint: EndpointRecord, _ sandbox: SandboxRecord) -> DNSRecordTable.Member {
        var names = [sandbox.name]
        if sandbox.hostname != sandbox.name { names.append(sandbox.hostname) }
        if endpoint.name != sandbox.name { names.append(endpoint.name) }
        names += endpoint.aliases
        for text in endpoint.links {
            if let link = try? LegacyLink(parsing: text) { names.append(link.alias ?? link.name) }
        }
        return DNSRecordTable.Member(
            sandbox: sandbox.id, names: names,
            addresses: [endpoint.ipv4, endpoint.ipv6].compactMap { $0.flatMap(DNSAddress.init) })
    }
}
