import Testing

@testable import CNMClient

@Suite("Connect stream envelopes")
struct ConnectEnvelopeTests {
    @Test("an envelope is a flags byte, a 4-byte big-endian length and the payload")
    func encodesHeaderAndPayload() {
        let payload = Array("{\"a\":1}".utf8)
        let envelope = ConnectEnvelope(flags: .endStream, payload: payload)
        #expect(envelope.encoded == [0x02, 0x00, 0x00, 0x00, UInt8(payload.count)] + payload)
    }

    @Test("lengths above 255 are written big-endian")
    func encodesLongLengthBigEndian() {
        let envelope = ConnectEnvelope(payload: [UInt8](repeating: 0x61, count: 0x0102))
        #expect(Array(envelope.encoded.prefix(5)) == [0x00, 0x00, 0x00, 0x01, 0x02])
        #expect(envelope.encoded.count == 5 + 0x0102)
    }

    @Test("the decoder returns envelopes whatever the chunking of the bytes")
    func decodesAcrossArbitraryChunks() throws {
        let first = ConnectEnvelope(payload: Array("{\"event\":{}}".utf8))
        let empty = ConnectEnvelope(payload: [])
        let end = ConnectEnvelope(flags: .endStream, payload: Array("{}".utf8))
        let wire = first.encoded + empty.encoded + end.encoded
        for chunkSize in [1, 2, 3, 5, 7, wire.count] {
            var decoder = ConnectEnvelopeDecoder(maxPayloadLength: 1024)
            var decoded: [ConnectEnvelope] = []
            var offset = 0
            while offset < wire.count {
                decoder.append(wire[offset..<min(offset + chunkSize, wire.count)])
                offset += chunkSize
                while let envelope = try decoder.next() { decoded.append(envelope) }
            }
            #expect(decoded == [first, empty, end], "chunk size \(chunkSize)")
            #expect(decoder.bufferedByteCount == 0)
        }
    }

    @Test("an incomplete envelope waits for more bytes")
    func waitsForTheRestOfAnEnvelope() throws {
        var decoder = ConnectEnvelopeDecoder(maxPayloadLength: 1024)
        decoder.append(ConnectEnvelope(payload: [1, 2, 3]).encoded.dropLast())
        #expect(try decoder.next() == nil)
        #expect(decoder.bufferedByteCount == 7)
        decoder.append([4])
        #expect(try decoder.next() == ConnectEnvelope(payload: [1, 2, 4]))
    }

    @Test("flags are kept, including compressed and end-of-stream together")
    func keepsFlags() throws {
        var decoder = ConnectEnvelopeDecoder(maxPayloadLength: 16)
        decoder.append([0x03, 0, 0, 0, 0])
        let envelope = try #require(try decoder.next())
        #expect(envelope.flags.contains(.compressed))
        #expect(envelope.flags.contains(.endStream))
    }

    @Test("an envelope announcing more than the limit is refused before its payload arrives")
    func refusesOversizedEnvelope() {
        var decoder = ConnectEnvelopeDecoder(maxPayloadLength: 100)
        decoder.append([0x00, 0x00, 0x00, 0x00, 101])
        #expect(throws: CNMError.self) { try decoder.next() }
        do {
            _ = try decoder.next()
        } catch {
            #expect(error.code == .resourceExhausted)
            #expect(error.message.contains("101"))
        }
    }
}
