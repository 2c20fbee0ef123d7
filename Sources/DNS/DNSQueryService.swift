import Logging
import NIOCore

/// What the listeners of one server share: turns a query's bytes into reply bytes, now or once
/// the upstream has answered.
final class DNSQueryService: Sendable {
    enum Handling {
        case reply([UInt8])
        case deferred(EventLoopFuture<[UInt8]>)
        case drop
    }

    private let responder: DNSResponder
    private let forwarder: UpstreamForwarder?
    private let logger: Logger

    init(responder: DNSResponder, forwarder: UpstreamForwarder?, logger: Logger) {
        self.responder = responder
        self.forwarder = forwarder
        self.logger = logger
    }

    func handle(
        _ bytes: [UInt8], from client: DNSAddress, over transport: DNSResponder.Transport,
        on loop: any EventLoop
    ) -> Handling {
        switch responder.respond(to: bytes, from: client) {
        case .reply(let response, let query):
            logger.trace(
                "DNS answer",
                metadata: [
                    "client": "\(client)", "question": "\(response.questions.first?.name.description ?? "-")",
                    "rcode": "\(response.header.responseCode)", "answers": "\(response.answers.count)",
                ])
            return DNSResponder.encode(response, answering: query, over: transport).map(Handling.reply)
                ?? .drop
        case .forward(let query):
            guard let forwarder else { return .drop }
            let responder = self.responder
            let logger = self.logger
            return .deferred(
                forwarder.forward(bytes, for: transport, on: loop).flatMapErrorThrowing { error in
                    logger.debug(
                        "DNS forwarding failed",
                        metadata: [
                            "client": "\(client)",
                            "question": "\(query.questions.first?.name.description ?? "-")",
                            "error": "\(error)",
                        ])
                    let failure = responder.reply(to: query, code: .serverFailure)
                    guard let bytes = DNSResponder.encode(failure, answering: query, over: transport) else {
                        throw error
                    }
                    return bytes
                })
        case .drop:
            return .drop
        }
    }
}
