import CLibNL
import Glibc

/// An open handle on a network namespace: the namespace stays alive at least as long as this
/// object (its file descriptor holds a reference).
///
/// Named namespaces live under `/run/netns/NAME`, exactly where `ip netns` keeps them, so
/// `ip netns exec NAME …` works on the ones `create(name:)` makes. Namespaces handed in by
/// path (`/proc/PID/ns/net`) are only opened, never deleted.
public final class NetworkNamespace: Sendable {
    /// Where `ip netns` keeps named namespaces.
    public static let runDirectory = "/run/netns"

    /// The namespace the process started in, opened once.
    ///
    /// It is read from `/proc/self/ns/net`, the main thread's namespace, not the calling
    /// thread's: a thread that is inside `withNetns` must not be mistaken for home.
    /// `withNetns` touches it before its first `setns`, so it is settled before any thread
    /// leaves home.
    public static let current: NetworkNamespace = {
        do {
            return try NetworkNamespace(path: "/proc/self/ns/net")
        } catch {
            fatalError("cannot open the process's network namespace: \(error)")
        }
    }()

    /// The open file descriptor (`O_RDONLY | O_CLOEXEC`); valid as long as this object lives.
    public let fd: Int32
    /// The path it was opened from.
    public let path: String
    /// The name under `/run/netns`, when opened or created by name.
    public let name: String?
    /// The namespace's inode number: two handles with equal inodes (and devices) are the same namespace.
    public let inode: UInt64
    private let device: UInt64

    /// Opens an existing network namespace file (`/proc/PID/ns/net`, `/run/netns/NAME`).
    ///
    /// Fails with `EINVAL` when the file is not a network namespace (a plain file, or another
    /// kind of namespace).
    public static func open(path: String) throws -> NetworkNamespace {
        try NetworkNamespace(path: path)
    }

    /// Opens the named namespace `/run/netns/NAME`.
    public static func open(name: String) throws -> NetworkNamespace {
        try NetworkNamespace(path: try namedPath(name), name: name)
    }

    /// The network namespace the calling thread is in right now (`/proc/thread-self/ns/net`).
    public static func ofCurrentThread() throws -> NetworkNamespace {
        try NetworkNamespace(path: "/proc/thread-self/ns/net")
    }

    /// Whether `/run/netns/NAME` holds a live network namespace (not just a leftover file).
    public static func exists(name: String) -> Bool {
        guard let path = try? namedPath(name) else { return false }
        return (try? NetworkNamespace(path: path)) != nil
    }

    /// Creates a new, empty network namespace and pins it at `/run/netns/NAME`, the way
    /// `ip netns add NAME` does: makes `/run/netns` a shared mount point (so unmounts
    /// propagate to other mount namespaces), creates the file, then `unshare(CLONE_NEWNET)`
    /// on a short-lived dedicated thread and bind-mounts that thread's namespace onto the
    /// file. No thread of the caller ever changes namespace.
    ///
    /// Fails with `EEXIST` (`isAlreadyExists`) when the name is taken.
    public static func create(name: String) throws -> NetworkNamespace {
        let path = try namedPath(name)
        try prepareRunDirectory()
        let created = Glibc.open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0)
        guard created >= 0 else {
            throw NetlinkError.system("create namespace file \(path)")
        }
        close(created)
        do {
            try DedicatedThread.run {
                guard sk_unshare_net() == 0 else {
                    throw NetlinkError.system("unshare(CLONE_NEWNET) for \(name)")
                }
                guard mount("/proc/thread-self/ns/net", path, "none", UInt(MS_BIND), nil) == 0 else {
                    throw NetlinkError.system("bind mount of a new namespace onto \(path)")
                }
            }
            return try NetworkNamespace(path: path, name: name)
        } catch {
            umount2(path, Int32(MNT_DETACH))
            unlink(path)
            throw error
        }
    }

    /// Removes the named namespace `/run/netns/NAME` (lazy unmount, then unlink), like
    /// `ip netns del`. The namespace itself dies once nothing else holds it (open handles,
    /// sockets, processes); its veths die with it.
    ///
    /// Fails with `ENOENT` (`isNotFound`) when there is no such name.
    public static func delete(name: String) throws {
        let path = try namedPath(name)
        // Not mounted (EINVAL) is fine: a leftover file from a crash is still removed.
        _ = umount2(path, Int32(MNT_DETACH))
        guard unlink(path) == 0 else {
            throw NetlinkError.system("delete namespace \(path)")
        }
    }

    /// Whether `other` is the same namespace as this one (same nsfs inode).
    public func isSame(as other: NetworkNamespace) -> Bool {
        inode == other.inode && device == other.device
    }

    private init(path: String, name: String? = nil) throws {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw NetlinkError.system("open network namespace \(path)")
        }
        // NS_GET_NSTYPE (_IO(0xb7, 0x3)) tells a network namespace from anything else.
        let type = ioctl(fd, 0xb703)
        guard type == Self.cloneNewNet else {
            let failure = type < 0 ? Glibc.errno : EINVAL
            close(fd)
            throw NetlinkError.system(
                "open network namespace \(path): not a network namespace", errno: failure)
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let failure = Glibc.errno
            close(fd)
            throw NetlinkError.system("fstat network namespace \(path)", errno: failure)
        }
        self.fd = fd
        self.path = path
        self.name = name
        self.inode = UInt64(info.st_ino)
        self.device = UInt64(info.st_dev)
    }

    deinit {
        close(fd)
    }

    /// `CLONE_NEWNET`; a cast macro that does not import.
    private static let cloneNewNet: Int32 = 0x4000_0000

    private static func namedPath(_ name: String) throws -> String {
        guard !name.isEmpty, name != ".", name != "..", !name.contains("/"), name.utf8.count < 256 else {
            throw NetlinkError.invalidArgument("namespace name \"\(name)\"")
        }
        return "\(runDirectory)/\(name)"
    }

    /// Creates `/run/netns` and makes it a shared mount point, upgrading it to a bind mount of
    /// itself if it is not a mount point yet; serialized with other `ip` processes by the same
    /// `flock` iproute2 takes on the directory.
    private static func prepareRunDirectory() throws {
        if mkdir(runDirectory, 0o755) != 0 && Glibc.errno != EEXIST {
            throw NetlinkError.system("mkdir \(runDirectory)")
        }
        let lock = Glibc.open(runDirectory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if lock >= 0 {
            flock(lock, LOCK_EX)
        }
        defer {
            if lock >= 0 {
                flock(lock, LOCK_UN)
                close(lock)
            }
        }
        var madeMountPoint = false
        while mount("", runDirectory, "none", UInt(MS_SHARED | MS_REC), nil) != 0 {
            guard Glibc.errno == EINVAL, !madeMountPoint else {
                throw NetlinkError.system("mount --make-shared \(runDirectory)")
            }
            guard mount(runDirectory, runDirectory, "none", UInt(MS_BIND | MS_REC), nil) == 0 else {
                throw NetlinkError.system("mount --bind \(runDirectory) \(runDirectory)")
            }
            madeMountPoint = true
        }
    }
}
