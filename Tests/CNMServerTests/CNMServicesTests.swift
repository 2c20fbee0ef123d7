import CNMAPI
import CNMClient
import CNMCore
import CNMServer
import Foundation
import Logging
import SwiftProtobuf
import Testing

/// Every method of the cnm API through CNMClient, served by the real controller. It creates
/// bridges, veths and namespaces, so it runs only inside `scripts/in-private-netns.sh`.
@Suite("cnm API bindings through CNMClient", .serialized)
struct CNMServicesTests {
    /// A controller on a temporary state directory, served on a temporary Unix socket.
    private struct Daemon {
        let directory: TemporaryDirectory
        let server: ConnectServer
        let client: CNMClient
        /// The default network's bridge, unique per test so that tests do not meet.
        let bridgeName: String

        static func start() async throws -> Daemon {
            try #require(
                ProcessInfo.processInfo.environment["CNM_PRIVATE_NETNS"] == "1",
                "this test changes the kernel's networking: run it inside scripts/in-private-netns.sh")
            let directory = try TemporaryDirectory()
            let bridgeName = "cnmt" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
            var logger = Logger(label: "cnm.server.test.controller")
            logger.logLevel = .warning
            let controller = try Controller(
                configuration: ControllerConfiguration(
                    stateDirectory: directory.file("state"), defaultBridgeName: bridgeName,
                    firewallEnabled: false,
                    // In-process controllers of parallel tests share this namespace: embedded
                    // DNS (port 53 on each gateway) is left to the end-to-end tests, where each
                    // cnmd has a namespace of its own.
                    dnsUpstream: .none, dnsPort: nil),
                logger: logger)
            try await controller.start()
            let server = ConnectServer(
                router: CNMServices.router(controller: controller, version: DaemonVersion(version: "9.8.7")),
                logger: TestServer.logger)
            let socket = directory.file("cnmd.sock")
            try await server.start([.unixSocket(socket)])
            return Daemon(
                directory: directory, server: server, client: try CNMClient(endpoint: .unix(path: socket)),
                bridgeName: bridgeName)
        }

        /// Stops serving. Networks stay, as with cnmd, so the default bridge is removed here to
        /// leave the namespace as the test found it.
        func stop() async throws {
            await self.client.close()
            await self.server.shutdown()
            let removed = try await Command.run("/usr/bin/env", ["ip", "link", "del", self.bridgeName])
            #expect(removed.exitCode == 0, "\(removed.stderr)")
        }
    }

    /// Runs `body`, expecting a CNMClient error with `code` whose message contains `text`.
    private func expectError<T>(
        _ code: CNMErrorCode, containing text: String, _ body: () async throws -> T
    ) async {
        do {
            _ = try await body()
            Issue.record("expected \(code), the call succeeded")
        } catch let error as ClientError {
            #expect(error.code == code)
            #expect(error.message.contains(text), "\(error.message)")
        } catch {
            Issue.record("expected a CNMClient error, got \(error)")
        }
    }

    @Test("system methods report version, counts and health")
    func systemMethods() async throws {
        let daemon = try await Daemon.start()
        let client = daemon.client
        let version = try await client.call(CNMMethods.System.getVersion, .init())
        #expect(version.version == "9.8.7")
        #expect(version.apiVersion == "v1")
        let info = try await client.call(CNMMethods.System.getInfo, .init())
        #expect(info.networks == 3, "bridge, host and none")
        #expect(info.stateDir == daemon.directory.file("state"))
        #expect(info.hasLastReconcile)
        let health = try await client.call(CNMMethods.System.health, .init())
        #expect(health.status == "SERVING")
        try await daemon.stop()
    }

    @Test("networks, sandboxes and endpoints go through their whole life cycle, and events report it")
    func lifeCycle() async throws {
        let daemon = try await Daemon.start()
        let client = daemon.client

        var watchRequest = Cnm_V1_WatchEventsRequest()
        watchRequest.filters["type"] = .with { $0.values = ["network", "endpoint"] }
        // Events at or after `since` are replayed, so none is lost while the stream starts.
        watchRequest.since = Google_Protobuf_Timestamp(date: Date())
        let events = client.stream(CNMMethods.System.watchEvents, watchRequest)
        let watcher = Task {
            var seen: [String] = []
            for try await response in events {
                seen.append("\(response.event.type) \(response.event.action) \(response.event.actor.name)")
                if seen.last == "network delete blue" { break }
            }
            return seen
        }

        // Networks.
        let blue = try await client.call(
            CNMMethods.Network.createNetwork,
            .with {
                $0.name = "blue"
                $0.labels = ["tier": "test"]
            }
        ).network
        #expect(blue.driver == "bridge")
        #expect(blue.ipam.configs.first?.subnet.isEmpty == false)
        #expect(
            try await client.call(CNMMethods.Network.getNetwork, .with { $0.network = "blue" }).network.id
                == blue.id)
        let listed = try await client.call(
            CNMMethods.Network.listNetworks,
            .with { $0.filters["label"] = .with { $0.values = ["tier=test"] } })
        #expect(listed.networks.map(\.name) == ["blue"])
        await self.expectError(.alreadyExists, containing: "blue") {
            try await client.call(CNMMethods.Network.createNetwork, .with { $0.name = "blue" })
        }
        await self.expectError(.permissionDenied, containing: "pre-defined") {
            try await client.call(CNMMethods.Network.deleteNetwork, .with { $0.network = "bridge" })
        }
        await self.expectError(.notFound, containing: "nosuchnet") {
            try await client.call(CNMMethods.Network.getNetwork, .with { $0.network = "nosuchnet" })
        }

        // Sandboxes.
        let sandbox = try await client.call(CNMMethods.Sandbox.createSandbox, .with { $0.name = "box1" })
            .sandbox
        #expect(sandbox.netnsPath.hasSuffix("box1"))
        #expect(
            try await client.call(CNMMethods.Sandbox.getSandbox, .with { $0.sandbox = "box1" }).sandbox.id
                == sandbox.id)
        #expect(
            try await client.call(CNMMethods.Sandbox.listSandboxes, .init()).sandboxes.map(\.name) == ["box1"]
        )

        // Connect / disconnect.
        let connected = try await client.call(
            CNMMethods.Network.connectSandbox,
            .with {
                $0.network = "blue"
                $0.sandbox = "box1"
            }
        ).endpoint
        #expect(connected.networkID == blue.id)
        #expect(connected.sandboxID == sandbox.id)
        #expect(connected.ipv4Address.contains("/"))
        await self.expectError(.alreadyExists, containing: "box1") {
            try await client.call(
                CNMMethods.Network.connectSandbox,
                .with {
                    $0.network = "blue"
                    $0.sandbox = "box1"
                })
        }
        _ = try await client.call(
            CNMMethods.Network.disconnectSandbox,
            .with {
                $0.network = "blue"
                $0.sandbox = "box1"
            })

        // Endpoints.
        let endpoint = try await client.call(
            CNMMethods.Endpoint.createEndpoint,
            .with {
                $0.network = "blue"
                $0.name = "ep1"
            }
        ).endpoint
        #expect(endpoint.sandboxID.isEmpty)
        #expect(
            try await client.call(CNMMethods.Endpoint.getEndpoint, .with { $0.endpoint = "ep1" }).endpoint.id
                == endpoint.id)
        let onBlue = try await client.call(
            CNMMethods.Endpoint.listEndpoints,
            .with { $0.filters["network"] = .with { $0.values = ["blue"] } })
        #expect(onBlue.endpoints.map(\.name) == ["ep1"])
        let joined = try await client.call(
            CNMMethods.Endpoint.join,
            .with {
                $0.endpoint = "ep1"
                $0.sandbox = "box1"
                $0.interfaceName = "eth7"
            }
        ).endpoint
        #expect(joined.sandboxID == sandbox.id)
        #expect(joined.interfaceName == "eth7")
        await self.expectError(.failedPrecondition, containing: "active endpoints") {
            try await client.call(CNMMethods.Network.deleteNetwork, .with { $0.network = "blue" })
        }
        let left = try await client.call(
            CNMMethods.Endpoint.leave,
            .with {
                $0.endpoint = "ep1"
                $0.sandbox = "box1"
            })
        #expect(left.endpoint.sandboxID.isEmpty)
        _ = try await client.call(CNMMethods.Endpoint.deleteEndpoint, .with { $0.endpoint = "ep1" })

        // Tear down.
        _ = try await client.call(CNMMethods.Sandbox.deleteSandbox, .with { $0.sandbox = "box1" })
        _ = try await client.call(CNMMethods.Network.deleteNetwork, .with { $0.network = "blue" })
        let green = try await client.call(CNMMethods.Network.createNetwork, .with { $0.name = "green" })
            .network
        let pruned = try await client.call(CNMMethods.Network.pruneNetworks, .init())
        #expect(pruned.networksDeleted == [green.name])

        let seen = try await watcher.value
        #expect(seen.first == "network create blue")
        #expect(seen.contains("network connect blue"))
        #expect(seen.contains("endpoint join ep1"))
        #expect(seen.contains("endpoint leave ep1"))
        #expect(!seen.contains { $0.hasPrefix("sandbox") }, "the type filter keeps sandbox events out")
        #expect(seen.last == "network delete blue")
        try await daemon.stop()
    }
}
