import CLibNL
import Glibc

/// One connected libnl route socket plus the errno and kernel message of its last failed
/// request. Not thread-safe: `NetlinkSocket` is the only owner and serializes every use.
///
/// libnl 3.7 ignores extended ACKs and folds many errnos into `NLE_FAILURE`, so the socket
/// turns `NETLINK_EXT_ACK` on and installs a custom error callback that records the raw
/// errno and the `NLMSGERR_ATTR_MSG` text before libnl reduces them to an `NLE_*` code.
///
/// libnl 3.7 also reads every reply twice by default (`recvmsg` with `MSG_PEEK | MSG_TRUNC`
/// to learn its size, then again for real) when no message buffer size is set. The socket
/// instead reads into a fixed buffer of ``messageBufferSize`` with peeking off: one
/// `recvmsg` per kernel message batch (measured: 8 → 4 per `createVethPair`, 124 → 30 for a
/// dump of 600 links). The kernel sizes dump parts to the reader's buffer, at most 32 KiB,
/// and a reply to one request to that reply (a link: ~2 KiB), so 64 KiB holds any batch a
/// route socket gets. A longer one would fail with `NLE_MSG_TRUNC`, never be cut silently.
final class LibNLConnection {
    /// The `struct nl_sock *`; freed in `deinit`, never handed out of the module.
    let socket: OpaquePointer
    private var lastErrno: Int32 = 0
    private var lastKernelMessage: String?

    /// Opens and connects a `NETLINK_ROUTE` socket in the calling thread's network namespace.
    init() throws {
        guard let socket = nl_socket_alloc() else {
            throw NetlinkError(operation: "nl_socket_alloc", code: NLE_NOMEM)
        }
        let rc = nl_connect(socket, NETLINK_ROUTE)
        guard rc >= 0 else {
            nl_socket_free(socket)
            throw NetlinkError(operation: "nl_connect NETLINK_ROUTE", code: -rc)
        }
        self.socket = socket
        nl_socket_disable_msg_peek(socket)
        _ = nl_socket_set_msg_buf_size(socket, Self.messageBufferSize)  // only fails on a NULL socket
        var one: Int32 = 1
        // Best effort: without extended ACKs errors still carry the errno, only the text is lost.
        _ = setsockopt(
            nl_socket_get_fd(socket), Self.solNetlink, Self.netlinkExtAck, &one,
            socklen_t(MemoryLayout<Int32>.size))
        let callbacks = nl_socket_get_cb(socket)
        nl_cb_err(
            callbacks, NL_CB_CUSTOM,
            { _, error, argument in
                let connection = Unmanaged<LibNLConnection>.fromOpaque(argument!).takeUnretainedValue()
                connection.record(error!)
                return Int32(NL_STOP.rawValue)  // libnl then returns the errno's NLE_* code
            }, Unmanaged.passUnretained(self).toOpaque())
        nl_cb_put(callbacks)
    }

    deinit {
        nl_socket_free(socket)
    }

    /// Runs one libnl call on the socket; a negative result becomes a `NetlinkError` carrying
    /// the libnl code, the kernel errno and the kernel's message.
    @discardableResult
    func perform(_ operation: @autoclosure () -> String, _ call: (OpaquePointer) -> Int32) throws -> Int32 {
        lastErrno = 0
        lastKernelMessage = nil
        let rc = call(socket)
        guard rc < 0 else { return rc }
        throw NetlinkError(
            operation: operation(), code: -rc, errno: lastErrno != 0 ? lastErrno : nil,
            kernelMessage: lastKernelMessage)
    }

    private func record(_ error: UnsafeMutablePointer<nlmsgerr>) {
        lastErrno = -error.pointee.error
        lastKernelMessage = Self.kernelMessage(of: UnsafeRawPointer(error))
    }

    /// Finds `NLMSGERR_ATTR_MSG` among the TLVs that follow the error (and the echoed request,
    /// unless the kernel capped it). Hand-written: libnl 3.7 has no extack support at all.
    private static func kernelMessage(of error: UnsafeRawPointer) -> String? {
        let header = (error - headerLength).loadUnaligned(as: nlmsghdr.self)
        guard header.nlmsg_flags & ackTLVs != 0 else { return nil }
        let echoed = error.loadUnaligned(fromByteOffset: 4, as: nlmsghdr.self)
        var offset = MemoryLayout<nlmsgerr>.size
        if header.nlmsg_flags & capped == 0 {
            offset += Int(echoed.nlmsg_len) - headerLength
        }
        offset = align(offset)
        let end = Int(header.nlmsg_len) - headerLength
        while offset + 4 <= end {
            let length = Int(error.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
            let type = error.loadUnaligned(fromByteOffset: offset + 2, as: UInt16.self)
            guard length >= 4, offset + length <= end else { return nil }
            if type == attributeMessage {
                let bytes = UnsafeRawBufferPointer(start: error + offset + 4, count: length - 4)
                let text = String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
                return text.isEmpty ? nil : text
            }
            offset += align(length)
        }
        return nil
    }

    private static func align(_ length: Int) -> Int {
        (length + 3) & ~3
    }

    /// The buffer of one `recvmsg`: twice the largest dump part the kernel sends.
    static let messageBufferSize = 64 * 1024

    // Constants spelled out: function-like or cast macros that do not import, or enum values
    // that differ in type from one header to the next.
    private static let headerLength = 16  // NLMSG_HDRLEN
    private static let capped: UInt16 = 0x100  // NLM_F_CAPPED
    private static let ackTLVs: UInt16 = 0x200  // NLM_F_ACK_TLVS
    private static let attributeMessage: UInt16 = 1  // NLMSGERR_ATTR_MSG
    private static let solNetlink: Int32 = 270  // SOL_NETLINK
    private static let netlinkExtAck: Int32 = 11  // NETLINK_EXT_ACK
}
