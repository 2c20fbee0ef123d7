import CNMAPI
import CNMClient
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("cnmd start and stop")
struct DaemonLifecycleTests {
    @Test("a stale socket file left by a crashed cnmd is replaced at start")
    func staleSocket() async throws {
        try await TestDaemon.with(start: false) { daemon in
            // A socket file nothing listens on: bound by a process that has exited.
            try await Command.check([
                "python3", "-c",
                "import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])", daemon.socketPath,
            ])
            var info = stat()
            #expect(stat(daemon.socketPath, &info) == 0 && info.st_mode & S_IFMT == S_IFSOCK)

            try await daemon.start()
            #expect(try await daemon.client.health().status == "SERVING")
            #expect(try await daemon.cli("network", "ls", "-q").lines.count == 3)
        }
    }

    @Test("a second cnmd on a live socket exits 1 saying another cnmd serves it, and the first keeps serving")
    func secondDaemon() async throws {
        try await TestDaemon.with { daemon in
            let second = try ChildProcess(
                try daemon.cnmdCommand(stateDirectory: daemon.directory + "/state2"),
                environment: ProcessInfo.processInfo.environment,
                standardOutput: daemon.directory + "/second.out",
                standardError: daemon.directory + "/second.err")
            let status = await second.wait(upTo: .seconds(20))
            if status == nil { second.send(SIGKILL) }
            #expect(status == 1)
            let stderr =
                (try? String(contentsOfFile: daemon.directory + "/second.err", encoding: .utf8)) ?? ""
            #expect(stderr.contains("another cnmd is serving \(daemon.socketPath)"), "\(stderr)")
            #expect(FileManager.default.fileExists(atPath: daemon.socketPath))
            #expect(try await daemon.client.health().status == "SERVING")
        }
    }

    @Test("SIGTERM leaves networks and sandboxes in the kernel, and a restarted cnmd lists them")
    func sigtermKeepsState() async throws {
        try await TestDaemon.with { daemon in
            try await daemon.checkCLI("network", "create", "web")
            let name = daemon.sandbox("box")
            try await daemon.checkCLI("sandbox", "create", "--network", "web", name)
            var getNetwork = Cnm_V1_GetNetworkRequest()
            getNetwork.network = "web"
            let network = try await daemon.client.getNetwork(getNetwork).network
            let gateway = try #require(network.ipam.configs.first?.gateway)
            let endpoint = try #require(network.endpoints.first)

            #expect(try await daemon.stop() == 0, "cnmd exits 0 after SIGTERM:\n\(daemon.log)")

            let bridge = try await KernelView.interface(holding: gateway, in: daemon.namespace)
            #expect(bridge?.kind == "bridge", "the bridge with the gateway stays")
            #expect(try await KernelView.namespaceIsLive(name), "the sandbox's namespace stays")
            #expect(
                try await KernelView.interfaces(in: name).contains { $0.ipv4 == [endpoint.ipv4Address] },
                "the sandbox keeps its address")
            let ping = try await daemon.exec(
                in: daemon.namespace, "ping", "-c1", "-W1", Checks.address(endpoint.ipv4Address))
            #expect(ping.succeeded, "the sandbox still answers without cnmd: \(ping)")

            try await daemon.start()
            #expect(try await daemon.client.getNetwork(getNetwork).network.id == network.id)
            let sandboxes = try await daemon.client.listSandboxes().sandboxes
            #expect(sandboxes.map(\.name) == [name])
            #expect(sandboxes.first?.endpoints == [endpoint.id])
            #expect(
                try await SandboxProbe(name).ping(gateway).succeeded,
                "the restarted cnmd's network still carries traffic")
        }
    }
}
