import NIOCore

/// One message of a Connect stream: a flags byte, a 4-byte big-endian length, the payload.
struct ConnectEnvelope: Hashable, Sendable {
    /// The envelope's flag bits.
    struct Flags: OptionSet, Hashable, Sendable {
        let rawValue: UInt8
        /// The payload is compressed with the stream's `connect-content-encoding`.
        static let compressed = Flags(rawValue: 0x01)
        /// The last envelope of a response: its payload is the end-of-stream JSON.
        static let endStream = Flags(rawValue: 0x02)
    }

    /// Bytes before the payload.
    static let headerLength = 5

    var flags: Flags
    var payload: [UInt8]

    init(flags: Flags = [], payload: [UInt8]) {
        self.flags = flags
        self.payload = payload
    }

    /// Appends the envelope's wire form to `buffer`.
    func write(into buffer: inout ByteBuffer) {
        buffer.writeInteger(flags.rawValue)
        buffer.writeInteger(UInt32(payload.count))
        buffer.writeBytes(payload)
    }

    /// The envelope's wire form.
    var encoded: [UInt8] {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(Self.headerLength + payload.count)
        write(into: &buffer)
        return Array(buffer.readableBytesView)
    }
}
