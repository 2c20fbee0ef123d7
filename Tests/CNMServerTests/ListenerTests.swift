import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import CNMServer

#if canImport(Glibc)
    import Glibc
#endif

/// Where the server listens: Unix socket rules, cleartext TCP rules, address parsing.
@Suite("Listeners")
struct ListenerTests {
    @Test("the Unix socket is created with its parent directory and mode 0660, and removed at shutdown")
    func unixSocketMode() async throws {
        let server = try await TestServer.start(.unixHTTP2)
        let attributes = try FileManager.default.attributesOfItem(atPath: server.socketPath)
        #expect(attributes[.type] as? FileAttributeType == .typeSocket)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o660)
        await server.server.shutdown()
        #expect(!FileManager.default.fileExists(atPath: server.socketPath))
    }

    @Test("the Unix socket never shows at its path with a mode other than 0660, not even while it is bound")
    func unixSocketModeFromTheStart() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("cnmd.sock")
        for _ in 0..<20 {
            let watcher = FileModeWatcher(path)
            let server = ConnectServer(router: EchoService.router(), logger: TestServer.logger)
            try await server.start([.unixSocket(path)])
            let modes = try await watcher.stop()
            await server.shutdown()
            #expect(modes == [0o660], "modes seen: \(modes.map { String($0, radix: 8) })")
        }
    }

    @Test("the socket is bound in a staging directory that only its owner may enter, and none is left behind")
    func unixSocketStaging() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("cnmd.sock")
        let staging = try UnixSocketFile.makeStaging(for: path)
        let stagingInfo = try FileManager.default.attributesOfItem(atPath: staging.directory)
        #expect((stagingInfo[.posixPermissions] as? NSNumber)?.intValue == 0o700)
        #expect((staging.directory as NSString).deletingLastPathComponent == directory.path)
        #expect(staging.socketPath.hasPrefix(staging.directory + "/"))
        // A staging directory left by a crash between bind and publish is cleared at the next start.
        try Data().write(to: URL(fileURLWithPath: staging.socketPath))

        let server = ConnectServer(router: EchoService.router(), logger: TestServer.logger)
        try await server.start([.unixSocket(path)])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["cnmd.sock"])
        let curl = Curl(
            connectArguments: ["--unix-socket", path, "--http2-prior-knowledge"], baseURL: "http://localhost")
        let response = try await curl.run(
            EchoService.echo, ["-H", "content-type: application/json"], body: Data("\"linked\"".utf8))
        #expect(response.status == 200)
        await server.shutdown()
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test("with a socket group, the socket is mode 0660 and belongs to that group")
    func unixSocketGroup() async throws {
        let group = try #require(getgrnam("daemon"), "this test needs the group daemon").pointee.gr_gid
        let directory = try TemporaryDirectory()
        let path = directory.file("g.sock")
        let server = ConnectServer(router: EchoService.router(), logger: TestServer.logger)
        try await server.start([.unixSocket(path, group: "daemon")])
        var info = stat()
        #expect(lstat(path, &info) == 0)
        #expect(info.st_mode & 0o7777 == 0o660)
        #expect(info.st_gid == group)
        #expect(info.st_uid == geteuid())
        await server.shutdown()
    }

    @Test("a stale socket file left by a crash is replaced")
    func staleSocketReplaced() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("stale.sock")
        // A bound socket whose process is gone: Python binds it and exits without removing it.
        let python = try await Command.run(
            "/usr/bin/python3",
            ["-c", "import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])", path])
        try #require(python.exitCode == 0, "\(python.stderr)")
        #expect(FileManager.default.fileExists(atPath: path))

        let server = ConnectServer(router: EchoService.router(), logger: TestServer.logger)
        try await server.start([.unixSocket(path)])
        let curl = Curl(
            connectArguments: ["--unix-socket", path, "--http2-prior-knowledge"], baseURL: "http://localhost")
        let response = try await curl.run(
            EchoService.echo, ["-H", "content-type: application/json"], body: Data("\"again\"".utf8))
        #expect(response.status == 200)
        await server.shutdown()
    }

    @Test("a socket a live server answers on is not taken over")
    func liveServerRefused() async throws {
        let first = try await TestServer.start(.unixHTTP2)
        let second = ConnectServer(router: EchoService.router(), logger: TestServer.logger)
        await #expect(throws: ServerError.anotherServerRunning(path: first.socketPath)) {
            try await second.start([.unixSocket(first.socketPath)])
        }
        // The first server still answers.
        let response = try await first.curl.run(
            EchoService.echo, ["-H", "content-type: application/json"], body: Data("\"still\"".utf8))
        #expect(response.status == 200)
        await first.server.shutdown()
    }

    @Test("a file that is not a socket is left alone and refused")
    func regularFileRefused() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("not-a-socket")
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: path))
        let server = ConnectServer(router: EchoService.router(), logger: TestServer.logger)
        await #expect(throws: ServerError.notASocket(path: path)) {
            try await server.start([.unixSocket(path)])
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep me")
    }

    @Test("an unknown socket group is refused")
    func unknownGroup() async throws {
        let directory = try TemporaryDirectory()
        let server = ConnectServer(router: EchoService.router(), logger: TestServer.logger)
        await #expect(throws: ServerError.unknownGroup("no-such-group-cnm")) {
            try await server.start([.unixSocket(directory.file("g.sock"), group: "no-such-group-cnm")])
        }
        // Neither the socket nor its staging directory is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test("cleartext h2c on a non-loopback address needs allowNonLoopback (--insecure)")
    func cleartextNeedsLoopback() async throws {
        let server = ConnectServer(router: EchoService.router(), logger: TestServer.logger)
        // Refused before anything is bound, so no socket is opened on 0.0.0.0.
        await #expect(throws: ServerError.cleartextOnNonLoopback(address: "0.0.0.0:0")) {
            try await server.start([.h2c(HostAndPort(host: "0.0.0.0", port: 0))])
        }
    }

    @Test("loopback is 127.0.0.0/8, ::1 and IPv4-mapped 127.x; nothing else")
    func loopbackAddresses() throws {
        for loopback in ["127.0.0.1", "127.255.0.9", "::1", "::ffff:127.0.0.1"] {
            #expect(ConnectServer.isLoopback(try SocketAddress(ipAddress: loopback, port: 1)), "\(loopback)")
        }
        for other in ["0.0.0.0", "10.0.0.1", "128.0.0.1", "::", "::2", "fe80::1", "::ffff:10.0.0.1"] {
            #expect(!ConnectServer.isLoopback(try SocketAddress(ipAddress: other, port: 1)), "\(other)")
        }
    }

    @Test("HOST:PORT parses names, IPv4 and bracketed IPv6, and refuses the rest")
    func hostAndPortParsing() throws {
        #expect(try HostAndPort(parsing: "localhost:8443") == HostAndPort(host: "localhost", port: 8443))
        #expect(try HostAndPort(parsing: "127.0.0.1:0") == HostAndPort(host: "127.0.0.1", port: 0))
        #expect(try HostAndPort(parsing: "[::1]:9000") == HostAndPort(host: "::1", port: 9000))
        #expect(HostAndPort(host: "::1", port: 9000).description == "[::1]:9000")
        for bad in ["localhost", "host:http", ":80", "::1:80", "h:70000"] {
            #expect(throws: ServerError.self, "\(bad)") { try HostAndPort(parsing: bad) }
        }
    }

    @Test("h2c on IPv6 loopback is allowed and answers")
    func ipv6Loopback() async throws {
        let server = ConnectServer(router: EchoService.router(), logger: TestServer.logger)
        let bound: [ConnectServer.BoundListener]
        do {
            bound = try await server.start([.h2c(HostAndPort(host: "::1", port: 0))])
        } catch {
            // A machine without IPv6 on lo cannot run this test; that is not a server failure.
            try #require(!FileManager.default.fileExists(atPath: "/proc/net/if_inet6"), "\(error)")
            return
        }
        let port = try #require(bound.first?.port)
        let curl = Curl(connectArguments: ["--http2-prior-knowledge"], baseURL: "http://[::1]:\(port)")
        let response = try await curl.run(
            EchoService.echo, ["-H", "content-type: application/json"], body: Data("\"six\"".utf8))
        #expect(response.status == 200)
        await server.shutdown()
    }
}
