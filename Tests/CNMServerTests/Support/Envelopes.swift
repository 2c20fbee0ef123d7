import Foundation

/// Connect stream framing, written independently of the server's code: a flags byte, a
/// big-endian 32-bit length, the message.
enum Envelopes {
    struct Frame {
        var flags: UInt8
        var payload: Data
    }

    static func frame(_ payload: Data, flags: UInt8 = 0) -> Data {
        var data = Data([flags])
        let length = UInt32(payload.count)
        data.append(contentsOf: [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: length >> $0) })
        data.append(payload)
        return data
    }

    /// Splits a response body into frames; nil if the framing is broken.
    static func parse(_ body: Data) -> [Frame]? {
        var frames: [Frame] = []
        var rest = body[...]
        while !rest.isEmpty {
            guard rest.count >= 5 else { return nil }
            let header = Array(rest.prefix(5))
            let length = header[1...4].reduce(0) { $0 << 8 | Int($1) }
            rest = rest.dropFirst(5)
            guard rest.count >= length else { return nil }
            frames.append(Frame(flags: header[0], payload: Data(rest.prefix(length))))
            rest = rest.dropFirst(length)
        }
        return frames
    }

    /// The end-of-stream message of a stream as a JSON object.
    static func endStream(_ frames: [Frame]) -> [String: Any]? {
        guard let last = frames.last, last.flags & 0x02 != 0 else { return nil }
        return (try? JSONSerialization.jsonObject(with: last.payload)) as? [String: Any]
    }
}
