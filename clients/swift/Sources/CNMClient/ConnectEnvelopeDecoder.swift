import NIOCore

/// Cuts a byte stream into ``ConnectEnvelope``s, whatever the chunking of the HTTP/2 DATA frames.
struct ConnectEnvelopeDecoder {
    /// Envelopes announcing a larger payload are refused before it is buffered.
    let maxPayloadLength: Int
    private var buffer = ByteBuffer()

    init(maxPayloadLength: Int) {
        self.maxPayloadLength = maxPayloadLength
    }

    /// Adds received bytes.
    mutating func append(_ bytes: ByteBuffer) {
        var bytes = bytes
        buffer.writeBuffer(&bytes)
    }

    /// Adds received bytes.
    mutating func append(_ bytes: some Sequence<UInt8>) {
        buffer.writeBytes(bytes)
    }

    /// Bytes received that do not yet form a whole envelope.
    var bufferedByteCount: Int { buffer.readableBytes }

    /// The next whole envelope, or `nil` until more bytes arrive.
    /// - Throws: ``CNMError`` (`resource_exhausted`) for a payload above ``maxPayloadLength``.
    mutating func next() throws(CNMError) -> ConnectEnvelope? {
        guard let flags = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self),
            let length = buffer.getInteger(at: buffer.readerIndex + 1, as: UInt32.self)
        else { return nil }
        guard Int(length) <= maxPayloadLength else {
            throw CNMError(
                .resourceExhausted,
                "stream message of \(length) bytes exceeds the limit of \(maxPayloadLength) bytes")
        }
        guard buffer.readableBytes >= ConnectEnvelope.headerLength + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: ConnectEnvelope.headerLength)
        let payload = buffer.readBytes(length: Int(length)) ?? []
        if buffer.readableBytes == 0 {
            buffer.clear()
        } else if buffer.readerIndex >= 1 << 16 {
            buffer.discardReadBytes()
        }
        return ConnectEnvelope(flags: .init(rawValue: flags), payload: payload)
    }
}
