import NIOCore

/// Connect's stream framing: one flags byte, a 4-byte big-endian length, then the message.
///
/// Flag 0x01 marks a compressed message, 0x02 the end-of-stream message (responses only).
struct Envelope: Equatable, Sendable {
    struct Flags: OptionSet, Sendable, Hashable {
        let rawValue: UInt8
        static let compressed = Flags(rawValue: 0x01)
        static let endStream = Flags(rawValue: 0x02)
    }

    var flags: Flags
    var message: ByteBuffer

    /// Appends the envelope to `buffer`.
    func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(self.flags.rawValue)
        buffer.writeInteger(UInt32(self.message.readableBytes))
        buffer.writeImmutableBuffer(self.message)
    }

    /// The envelope as one buffer.
    var encoded: ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(5 + self.message.readableBytes)
        self.write(to: &buffer)
        return buffer
    }

    /// Splits a complete request body into envelopes, refusing any message larger than
    /// `limit`, truncated framing, and flags a client may not set.
    static func parseAll(_ body: ByteBuffer, limit: Int) throws(ConnectError) -> [Envelope] {
        var body = body
        var envelopes: [Envelope] = []
        while body.readableBytes > 0 {
            guard let rawFlags = body.readInteger(as: UInt8.self),
                let length = body.readInteger(as: UInt32.self)
            else {
                throw ConnectError(.invalidArgument, "truncated envelope: fewer than 5 header bytes")
            }
            let flags = Flags(rawValue: rawFlags)
            guard flags.isSubset(of: [.compressed]) else {
                throw ConnectError(
                    .invalidArgument, "request envelope has invalid flags 0x\(String(rawFlags, radix: 16))")
            }
            guard Int(length) <= limit else {
                throw ConnectError(
                    .resourceExhausted, "message of \(length) bytes exceeds the limit of \(limit)")
            }
            guard let message = body.readSlice(length: Int(length)) else {
                throw ConnectError(
                    .invalidArgument,
                    "truncated envelope: \(length) bytes announced, \(body.readableBytes) present")
            }
            envelopes.append(Envelope(flags: flags, message: message))
        }
        return envelopes
    }
}
