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
