import Foundation
import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The file-system side of the Unix socket listener: the parent directory, a stale socket
/// left by a crash, the socket's mode and group.
///
/// The socket is never reachable at its path with a mode wider than 0660. `bind` creates the
/// file with the process's umask, and the umask cannot be narrowed just for the bind: it is
/// process-wide, and other threads create files and directories meanwhile. So the socket is
/// bound in a staging directory next to its path that only the owner may enter (mode 0700),
/// given its mode and group there, and only then linked to its path.
enum UnixSocketFile {
    /// Makes `path` free to bind: creates the parent directory (mode 0755) and removes a stale
    /// socket. A socket a live server answers on, or a file that is not a socket, stays and
    /// is an error.
    static func prepare(_ path: String, group: any EventLoopGroup) async throws {
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty {
            try FileManager.default.createDirectory(
                atPath: parent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        }
        Self.removeLeftoverStaging(for: path)
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw Self.error("stat", path)
        }
        guard info.st_mode & S_IFMT == S_IFSOCK else {
            throw ServerError.notASocket(path: path)
        }
        if await Self.someoneAnswers(path, group: group) {
            throw ServerError.anotherServerRunning(path: path)
        }
        guard unlink(path) == 0 || errno == ENOENT else {
            throw Self.error("remove stale socket", path)
        }
    }

    /// Gives the bound socket mode 0660 and, if named, the group `groupName`.
    static func secure(_ path: String, groupName: String?) throws {
        if let groupName {
            guard let entry = getgrnam(groupName) else {
                throw ServerError.unknownGroup(groupName)
            }
            guard chown(path, uid_t.max, entry.pointee.gr_gid) == 0 else {
                throw Self.error("chown", path)
            }
        }
        guard chmod(path, 0o660) == 0 else {
            throw Self.error("chmod", path)
        }
    }

    /// A fresh staging directory for the socket `path` (mode 0700, beside `path`) and the path to
    /// bind in it. Its name starts with `.NAME-` so that ``prepare(_:group:)`` can clear one left by
    /// a crash.
    static func makeStaging(for path: String) throws -> (directory: String, socketPath: String) {
        var template = Array((Self.stagingPrefix(for: path) + "XXXXXX").utf8CString)
        let directory = template.withUnsafeMutableBufferPointer { buffer in
            mkdtemp(buffer.baseAddress!).map { String(cString: $0) }
        }
        guard let directory else {
            throw Self.error("create staging directory for", path)
        }
        return (directory, directory + "/s")
    }

    /// Links the secured socket at `staged` to `path`. Unlike a rename, a link never replaces a
    /// file that appeared at `path` since ``prepare(_:group:)``: it fails instead.
    static func publish(_ staged: String, at path: String) throws {
        guard link(staged, path) == 0 else {
            throw Self.error("link socket to", path)
        }
    }

    /// Removes a staging directory and the socket name in it; the socket stays reachable at the
    /// path it was published at.
    static func removeStaging(_ directory: String) {
        _ = unlink(directory + "/s")
        _ = rmdir(directory)
    }

    /// The staging directories of `path` that a crash between bind and publish left behind.
    private static func removeLeftoverStaging(for path: String) {
        let prefix = Self.stagingPrefix(for: path)
        let parent = (prefix as NSString).deletingLastPathComponent
        let namePrefix = (prefix as NSString).lastPathComponent
        let names =
            (try? FileManager.default.contentsOfDirectory(atPath: parent.isEmpty ? "." : parent)) ?? []
        for name in names where name.hasPrefix(namePrefix) && name.count == namePrefix.count + 6 {
            Self.removeStaging(parent.isEmpty ? name : parent + "/" + name)
        }
    }

    /// `DIR/.NAME-` for the socket `DIR/NAME`.
    private static func stagingPrefix(for path: String) -> String {
        let parent = (path as NSString).deletingLastPathComponent
        let name = "." + (path as NSString).lastPathComponent + "-"
        return parent.isEmpty ? name : parent + "/" + name
    }

    /// Removes the socket file at shutdown; a missing file is fine.
    static func remove(_ path: String) {
        _ = unlink(path)
    }

    /// True if connecting to the socket succeeds, i.e. a server is listening on it.
    private static func someoneAnswers(_ path: String, group: any EventLoopGroup) async -> Bool {
        do {
            let channel = try await ClientBootstrap(group: group).connect(unixDomainSocketPath: path).get()
            try? await channel.close()
            return true
        } catch {
            return false
        }
    }

    private static func error(_ operation: String, _ path: String) -> ServerError {
        let code = errno
        return .socketFile(
            operation: operation, path: path, errno: code, message: String(cString: strerror(code)))
    }
}
