import CLibNL
import Glibc

/// A failed netlink request or namespace system call, with everything needed to tell why.
///
/// libnl folds many kernel errnos into `NLE_FAILURE` ("Unspecific failure"), so the socket
/// records the raw errno and the kernel's extended-ACK text from the error message itself
/// (see `LibNLConnection`). `description` reads like
/// `rtnl_link_add veth1234: File exists (errno 17); extack: ...`.
public struct NetlinkError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was attempted, with the object it was attempted on (`rtnl_link_add nltbr0`).
    public let operation: String
    /// The libnl error code (positive `NLE_*`), when the failure came through libnl.
    public let code: Int32?
    /// The kernel's (or the system call's) errno, when known.
    public let errno: Int32?
    /// The kernel's extended-ACK message (`NLMSGERR_ATTR_MSG`), when it sent one.
    public let kernelMessage: String?

    public init(operation: String, code: Int32? = nil, errno: Int32? = nil, kernelMessage: String? = nil) {
        self.operation = operation
        self.code = code
        self.errno = errno
        self.kernelMessage = kernelMessage
    }

    /// The object already exists (`EEXIST`), e.g. a link or namespace name that is taken.
    public var isAlreadyExists: Bool {
        errno == EEXIST || code == NLE_EXIST
    }

    /// The object is not there: no such link, address, route or namespace file.
    public var isNotFound: Bool {
        if let errno, [ENODEV, ENOENT, ESRCH, EADDRNOTAVAIL, ENXIO].contains(errno) {
            return true
        }
        return code == NLE_OBJ_NOTFOUND || code == NLE_NODEV
    }

    public var description: String {
        var text = operation + ": "
        if let errno {
            text += "\(String(cString: strerror(errno))) (errno \(errno))"
        } else if let code {
            text += "\(String(cString: nl_geterror(code))) (NLE \(code))"
        } else {
            text += "failed"
        }
        if let kernelMessage {
            text += "; extack: \(kernelMessage)"
        }
        return text
    }

    /// An error for a failed system call, taking the current `errno`.
    static func system(_ operation: String, errno value: Int32 = Glibc.errno) -> NetlinkError {
        NetlinkError(operation: operation, errno: value)
    }

    /// An error for an argument rejected before anything reached the kernel.
    static func invalidArgument(_ operation: String) -> NetlinkError {
        NetlinkError(operation: operation, errno: EINVAL)
    }
}
