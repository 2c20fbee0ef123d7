import CNMAPI
import CNMClient
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Published ports: DNAT from cnmd's namespace (the "host") to a sandbox.
@Suite("Published ports")
struct PublishedPortTests {
    @Test("a published TCP port answers from cnmd's namespace, from another network and from its own bridge")
    func publishedPortAnswers() async throws {
        try await TestDaemon.with { daemon in
            let webGateway = try await daemon.createNetwork("web")
            let otherGateway = try await daemon.createNetwork("other")
            let server = daemon.sandbox("srv")
            let client = daemon.sandbox("cli")
            try await daemon.checkCLI("sandbox", "create", server)
            try await daemon.checkCLI("network", "connect", "-p", "8080:80", "web", server)
            try await daemon.checkCLI("sandbox", "create", "--network", "other", client)
            let serverAddress = try await daemon.address(of: server, on: "web")

            var request = Cnm_V1_ListEndpointsRequest()
            request.filters = Checks.filters(["sandbox": server])
            let bindings = try await daemon.client.listEndpoints(request).endpoints.first?.portBindings ?? []
            #expect(bindings.map { "\($0.hostPort)->\($0.containerPort)/\($0.protocol)" } == ["8080->80/tcp"])

            let content = "hello from \(server)\n"
            let page = try await Self.serve(content, in: server, daemon)

            let fromHost = try await daemon.exec(
                in: daemon.namespace, "curl", "-sS", "--max-time", "3", "http://\(webGateway):8080/\(page)")
            #expect(fromHost.standardOutput == content, "from cnmd's namespace: \(fromHost)")
            let fromOtherNetwork = try await SandboxProbe(client).curl("http://\(otherGateway):8080/\(page)")
            #expect(fromOtherNetwork.standardOutput == content, "from another network: \(fromOtherNetwork)")
            let neighbor = daemon.sandbox("nbr")
            try await daemon.checkCLI("sandbox", "create", "--network", "web", neighbor)
            let hairpin = try await SandboxProbe(neighbor).curl("http://\(webGateway):8080/\(page)")
            #expect(hairpin.standardOutput == content, "from the server's own network (hairpin): \(hairpin)")
            let direct = try await SandboxProbe(client).curl("http://\(serverAddress):80/\(page)")
            #expect(!direct.succeeded, "the unpublished way in stays closed: \(direct)")

            let second = daemon.sandbox("srv2")
            try await daemon.checkCLI("sandbox", "create", second)
            let taken = try await daemon.cli("network", "connect", "-p", "8080:80", "web", second)
            #expect(taken.status == 1, "\(taken)")
            #expect(
                taken.standardError.hasPrefix("Error: ") && taken.standardError.contains("8080"), "\(taken)")
        }
    }

    /// Serves `content` over HTTP on port 80 inside `sandbox` (a `python3 -m http.server` under
    /// `timeout`) and returns the page's name once the server answers from inside the sandbox.
    static func serve(_ content: String, in sandbox: String, _ daemon: TestDaemon) async throws -> String {
        let root = daemon.directory + "/www"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try Data(content.utf8).write(to: URL(fileURLWithPath: root + "/index.txt"))
        let python =
            FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3"
        let server = try daemon.startHelper([
            "ip", "netns", "exec", sandbox, python, "-m", "http.server", "80", "--bind", "0.0.0.0",
            "--directory", root,
        ])
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            if try await SandboxProbe(sandbox).curl("http://127.0.0.1:80/index.txt").standardOutput == content
            {
                return "index.txt"
            }
            if let status = server.status {
                throw DaemonFailure("the HTTP listener exited with status \(status)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw DaemonFailure("the HTTP listener in \(sandbox) did not answer within 15 s")
    }
}
