import CNMAPI
import CNMClient
import Foundation
import Testing

extension ReliabilityTests {
    @Suite("Crash safety of a published port changing hands")
    struct PortHandoverTests {
        static let attempts = 30

        /// A disconnect gives its published ports back to the firewall before it commits. When a
        /// connect on another network takes such a port in that gap and a kill -9 lands before
        /// the disconnect's commit, the store holds two joined endpoints publishing the same
        /// host port. The test aims at that gap: it starts a disconnect, starts a connect of the
        /// same port on another network a moment later, and kills cnmd as soon as the connect
        /// succeeds while the disconnect has not answered yet.
        @Test(
            "a published port taken by a connect while its disconnect has not committed: after kill -9 cnmd starts and no host port is published twice"
        )
        func portTakenDuringDisconnect() async throws {
            try PrivateNetns.require()
            let tag = PrivateNetns.uniqueTag("p")
            try await CNMDaemon.with(tag: tag) { daemon in
                try await daemon.start()
                let admin = try daemon.makeClient()
                for name in ["\(tag)a", "\(tag)b"] {
                    var request = Cnm_V1_CreateNetworkRequest()
                    request.name = name
                    _ = try await admin.createNetwork(request)
                }
                var hits = 0
                for attempt in 0..<Self.attempts {
                    let port = UInt32(32000 + attempt)
                    let leaving = "\(tag)l\(attempt)"
                    let taking = "\(tag)t\(attempt)"
                    var create = Cnm_V1_CreateSandboxRequest()
                    create.name = leaving
                    _ = try await admin.createSandbox(create)
                    create.name = taking
                    _ = try await admin.createSandbox(create)
                    _ = try await admin.connectSandbox(Self.connect(leaving, to: "\(tag)a", publishing: port))

                    let clients = try (0..<2).map { _ in try daemon.makeClient() }
                    let finished = StopFlag()
                    let disconnect = Task {
                        defer { finished.set() }
                        var request = Cnm_V1_DisconnectSandboxRequest()
                        request.network = "\(tag)a"
                        request.sandbox = leaving
                        return (try? await clients[0].disconnectSandbox(request)) != nil
                    }
                    try await Task.sleep(for: .microseconds(500 * (attempt % 8)))
                    let taken =
                        (try? await clients[1].connectSandbox(
                            Self.connect(taking, to: "\(tag)b", publishing: port)))
                        != nil
                    let inGap = taken && !finished.isSet
                    if inGap { try await daemon.killHard() }
                    _ = await disconnect.value
                    for client in clients { await client.close() }
                    if inGap {
                        hits += 1
                        do {
                            try await daemon.start()
                        } catch {
                            Issue.record("cnmd does not start after the kill of attempt \(attempt): \(error)")
                            break
                        }
                    }

                    // Killed or not, no host port is published twice, and store and kernel agree.
                    let model = try await ModelSnapshot.read(admin)
                    let publishers = model.joinedBridgeEndpoints.filter { endpoint in
                        endpoint.portBindings.contains { $0.hostPort == port }
                    }
                    #expect(
                        publishers.count <= 1,
                        "host port \(port) is published by \(publishers.map(\.name)) after attempt \(attempt)"
                    )
                    let report = try await ConsistencyCheck(netns: daemon.netns, tag: tag).run(model)
                    #expect(
                        report.isConsistent, "after attempt \(attempt) (killed: \(inGap)):\n\(report.summary)"
                    )
                    for sandbox in [leaving, taking] {
                        var request = Cnm_V1_DeleteSandboxRequest()
                        request.sandbox = sandbox
                        request.force = true
                        _ = try await admin.deleteSandbox(request)
                    }
                }
                print("port handover: \(hits) of \(Self.attempts) attempts killed cnmd inside the gap")
                await admin.close()
                if await daemon.isRunning { #expect(try await daemon.stop() == 0) }
            }
        }

        static func connect(_ sandbox: String, to network: String, publishing port: UInt32)
            -> Cnm_V1_ConnectSandboxRequest
        {
            var binding = Cnm_V1_PortBinding()
            binding.hostPort = port
            binding.containerPort = 80
            binding.protocol = "tcp"
            var request = Cnm_V1_ConnectSandboxRequest()
            request.network = network
            request.sandbox = sandbox
            request.endpointConfig.portBindings = [binding]
            return request
        }

    }
}
