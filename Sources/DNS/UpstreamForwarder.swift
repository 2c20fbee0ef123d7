import Logging
import NIOCore
import Synchronization

/// Forwards the queries the record source does not own to the upstream nameservers.
///
/// Servers are tried in order, at most three (as glibc does), each for `timeout`; when all fail
/// the caller answers SERVFAIL. Queries go over UDP; a truncated reply for a client that asked over
/// TCP is fetched again over TCP from the same server, so TCP clients get whole answers.
final class UpstreamForwarder: Sendable {
    /// Why forwarding gave no reply.
    enum Failure: Error {
        case noServers
        case tooManyForwards
    }

    static let maxServers = 3

    private let fixedServers: [DNSUpstreamServer]
    private let hostNameservers: HostNameservers?
    private let timeout: TimeAmount
    private let maxInFlight: Int
    private let inFlight = Atomic<Int>(0)
    private let logger: Logger

    /// Nil for `.none`: there is nothing to forward to.
    init?(upstream: DNSUpstream, timeout: Duration, maxInFlight: Int, logger: Logger) {
        switch upstream {
        case .none:
            return nil
        case .servers(let servers):
            fixedServers = servers
            hostNameservers = nil
        case .host(let path):
            fixedServers = []
            hostNameservers = HostNameservers(path: path, logger: logger)
        }
        self.timeout = TimeAmount(timeout)
        self.maxInFlight = maxInFlight
        self.logger = logger
    }

    /// The servers a query is sent to now.
    var servers: [DNSUpstreamServer] {
        Array((hostNameservers?.servers() ?? fixedServers).prefix(Self.maxServers))
    }

    /// Sends `query` upstream and gives the first valid reply, with the client's query ID.
    func forward(
        _ query: [UInt8], for transport: DNSResponder.Transport, on loop: any EventLoop
    ) -> EventLoopFuture<[UInt8]> {
        let servers = self.servers
        guard !servers.isEmpty else { return loop.makeFailedFuture(Failure.noServers) }
        guard inFlight.add(1, ordering: .relaxed).newValue <= maxInFlight else {
            inFlight.subtract(1, ordering: .relaxed)
            return loop.makeFailedFuture(Failure.tooManyForwards)
        }
        let result = ask(servers, from: 0, query: query, for: transport, on: loop)
        result.whenComplete { _ in self.inFlight.subtract(1, ordering: .relaxed) }
        return result
    }

    private func ask(
        _ servers: [DNSUpstreamServer], from index: Int, query: [UInt8],
        for transport: DNSResponder.Transport,
        on loop: any EventLoop
    ) -> EventLoopFuture<[UInt8]> {
        ask(servers[index], query: query, for: transport, on: loop).flatMapError { error in
            self.logger.debug(
                "DNS upstream gave no reply", metadata: ["server": "\(servers[index])", "error": "\(error)"])
            guard index + 1 < servers.count else { return loop.makeFailedFuture(error) }
            return self.ask(servers, from: index + 1, query: query, for: transport, on: loop)
        }
    }

    private func ask(
        _ server: DNSUpstreamServer, query: [UInt8], for transport: DNSResponder.Transport,
        on loop: any EventLoop
    ) -> EventLoopFuture<[UInt8]> {
        let udp = UpstreamExchange(server: server, query: query, timeout: timeout, on: loop).overUDP()
        guard transport == .tcp else { return udp }
        return udp.flatMap { reply in
            // TC is bit 9 of the flags: bit 1 of the third byte.
            guard reply[2] & 0x02 != 0 else { return loop.makeSucceededFuture(reply) }
            return UpstreamExchange(server: server, query: query, timeout: self.timeout, on: loop).overTCP()
                .recover { _ in reply }
        }
    }
}
