import CNMAPI
import CNMClient
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension ReliabilityTests {
    @Suite("Access")
    struct AccessTests {
        @Test(
            "the Unix socket is mode 0660, owned by root and by the group of --socket-group (root by default)"
        )
        func socketModeAndOwner() async throws {
            try PrivateNetns.require()
            let tag = PrivateNetns.uniqueTag("a")
            try await CNMDaemon.with(tag: tag) { daemon in
                try await daemon.start()
                let standard = try Self.stat(daemon.socketPath)
                #expect(standard.st_mode & S_IFMT == S_IFSOCK)
                #expect(
                    standard.st_mode & 0o7777 == 0o660, "mode \(String(standard.st_mode & 0o7777, radix: 8))")
                #expect(standard.st_uid == 0)
                #expect(standard.st_gid == 0)
                #expect(try await daemon.stop() == 0)

                let group = try #require(getgrnam("daemon"), "this test needs the group daemon").pointee
                    .gr_gid
                try await daemon.start(["--socket-group", "daemon"])
                let grouped = try Self.stat(daemon.socketPath)
                #expect(
                    grouped.st_mode & 0o7777 == 0o660, "mode \(String(grouped.st_mode & 0o7777, radix: 8))")
                #expect(grouped.st_uid == 0)
                #expect(grouped.st_gid == group)
                #expect(try await daemon.stop() == 0)
            }
        }

        @Test(
            "cleartext h2c on a non-loopback address is refused without --insecure; loopback is served, and any address with --insecure"
        )
        func cleartextListener() async throws {
            try PrivateNetns.require()
            let tag = PrivateNetns.uniqueTag("a")
            try await CNMDaemon.with(tag: tag) { daemon in
                let port = Int.random(in: 40000..<50000)
                for address in ["0.0.0.0:\(port)", "[::]:\(port)", "10.1.2.3:\(port)"] {
                    try await daemon.launch(["--listen-h2c", address])
                    let status = try await daemon.waitForExit(timeout: .seconds(30))
                    #expect(status != nil && status != 0, "cnmd served cleartext on \(address)")
                    #expect(
                        daemon.logTail(lines: 5).contains("refusing cleartext h2c on non-loopback address"))
                    #expect(try await !Self.answersHealth(daemon, "127.0.0.1", port))
                }

                try await daemon.start(["--listen-h2c", "127.0.0.1:\(port)"])
                #expect(try await Self.answersHealth(daemon, "127.0.0.1", port))
                #expect(try await daemon.stop() == 0)

                try await daemon.start(["--listen-h2c", "0.0.0.0:\(port)", "--insecure"])
                #expect(try await Self.answersHealth(daemon, "127.0.0.1", port))
                #expect(try await daemon.stop() == 0)
            }
        }

        static func stat(_ path: String) throws -> stat {
            var info = Glibc.stat()
            guard lstat(path, &info) == 0 else { throw SocketError.system("stat \(path)", errno) }
            return info
        }

        /// Whether Health answers over h2c on HOST:PORT inside cnmd's namespace (curl, prior knowledge).
        static func answersHealth(_ daemon: CNMDaemon, _ host: String, _ port: Int) async throws -> Bool {
            let result = try await Shell.run([
                "nsenter", "--net=/run/netns/\(daemon.netns)", "curl", "-s", "--max-time", "5",
                "--http2-prior-knowledge",
                "-H", "content-type: application/json", "-d", "{}",
                "http://\(host):\(port)/cnm.v1.SystemService/Health",
            ])
            return result.status == 0 && result.text.contains("SERVING")
        }
    }
}
