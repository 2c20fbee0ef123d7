import CompressNIO
import NIOCore

/// The compression of a request message, from `content-encoding` (unary POST),
/// `connect-content-encoding` (streams) or the `compression` query parameter (GET).
///
/// Only gzip is supported besides identity: it is what Connect clients send by default
/// (connectrpc for Python gzips every request). zlib does the work, through CompressNIO,
/// because swift-nio-extras keeps its decompressor internal.
enum MessageCompression: String, Sendable {
    case identity
    case gzip

    /// The names a client may use, for error messages.
    static let supportedNames = "gzip, identity"

    /// Parses an encoding name; absent means identity. An unknown name is `unimplemented`, and
    /// the message lists what is supported (connect.md §1).
    init(name: String?) throws(ConnectError) {
        let trimmed = name?.trimmingSpaces.lowercased() ?? ""
        switch trimmed {
        case "", "identity": self = .identity
        case "gzip": self = .gzip
        default:
            throw ConnectError(
                .unimplemented,
                "unknown compression \"\(trimmed)\": supported encodings are \(Self.supportedNames)")
        }
    }

    /// Decompresses one message, allowing at most `limit` bytes of output. An empty message is
    /// never decompressed: it is the default message (connect.md §1).
    func decompress(_ buffer: ByteBuffer, limit: Int) throws(ConnectError) -> ByteBuffer {
        guard self == .gzip, buffer.readableBytes > 0 else { return buffer }
        var input = buffer
        let tooLarge = ConnectError(.resourceExhausted, "decompressed message is larger than \(limit) bytes")
        let output: ByteBuffer
        do {
            // CompressNIO stops near maxSize (its buffers may round up), so the size is checked again below.
            output = try input.decompress(with: .gzip(), maxSize: limit + 1)
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw tooLarge
        } catch {
            throw ConnectError(.invalidArgument, "cannot decompress gzip message: \(error)")
        }
        guard output.readableBytes <= limit else { throw tooLarge }
        return output
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs (header values, list items).
    var trimmingSpaces: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = self.firstIndex(where: { !isSpace($0) }),
            let last = self.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return self[first...last]
    }
}
