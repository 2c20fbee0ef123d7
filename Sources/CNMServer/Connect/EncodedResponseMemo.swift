import SwiftProtobuf
import Synchronization

/// The last response of a method with its encoding, one per codec: a response equal to the last
/// one is answered with the bytes already made.
///
/// Side-effect-free methods (get, list, health) answer the same thing again and again while
/// nothing changes, and encoding is most of their cost: swift-protobuf's JSON encoder took three
/// fifths of the server's time for ListNetworks of 100 networks, comparing two responses for
/// equality takes a fraction of that. A response that differs stops the comparison early (the
/// list lengths, the first ID) and replaces the remembered one.
final class EncodedResponseMemo<Response: SwiftProtobuf.Message>: Sendable {
    private struct Entry: Sendable {
        var response: Response
        var bytes: [UInt8]
    }

    /// The last entry of each codec.
    private struct Entries: Sendable {
        var json: Entry?
        var proto: Entry?

        subscript(codec: ConnectCodec) -> Entry? {
            get { codec == .json ? self.json : self.proto }
            set {
                switch codec {
                case .json: self.json = newValue
                case .proto: self.proto = newValue
                }
            }
        }
    }

    private let entries = Mutex(Entries())

    /// `response` in `codec`, from the memo if it equals the last response encoded with it.
    func encode(_ response: Response, with codec: ConnectCodec) throws(ConnectError) -> [UInt8] {
        // The comparison runs outside the lock, on a copy of the entry, so that concurrent calls
        // do not wait for each other.
        if let last = self.entries.withLock({ $0[codec] }), last.response.isEqualTo(message: response) {
            return last.bytes
        }
        let bytes = try codec.encode(response)
        self.entries.withLock { $0[codec] = Entry(response: response, bytes: bytes) }
        return bytes
    }
}
