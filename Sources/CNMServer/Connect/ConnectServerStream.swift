import SwiftProtobuf

/// The sending half of a server-streaming call: each ``send(_:)`` writes one enveloped message.
///
/// `send` returns once the message has been handed to the connection, so a slow client slows
/// the handler down instead of making the server buffer without bound. It throws when the
/// client has gone away; the handler should then return.
public struct ConnectServerStream<Response: SwiftProtobuf.Message>: Sendable {
    let codec: ConnectCodec
    let sink: @Sendable ([UInt8]) async throws -> Void

    /// Sends one response message.
    public func send(_ message: Response) async throws {
        try await self.sink(try self.codec.encode(message))
    }
}
