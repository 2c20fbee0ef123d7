import DNS

/// Runs `body` against a server listening on loopback at a free port, then stops it.
func withDNSServer(
    source: any DNSRecordSource = Fixtures.table, upstream: DNSUpstream = .none,
    upstreamTimeout: Duration = .seconds(2), addresses: [DNSAddress] = [.loopback],
    _ body: (DNSServer, Int) async throws -> Void
) async throws {
    let server = DNSServer(
        source: source,
        configuration: .init(port: 0, upstream: upstream, upstreamTimeout: upstreamTimeout))
    let listeners = try await server.start(addresses: addresses)
    do {
        try await body(server, listeners[0].port)
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
}
