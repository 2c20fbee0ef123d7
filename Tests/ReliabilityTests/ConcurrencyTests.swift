import CNMAPI
import CNMClient
import Foundation
import Testing

extension ReliabilityTests {
    @Suite("Concurrency")
    struct ConcurrencyTests {
        static let clients = 64

        @Test(
            "64 clients connecting distinct sandboxes to one network, then to 16 networks, all succeed with unique addresses and the final state is their sum"
        )
        func concurrentConnects() async throws {
            try PrivateNetns.require()
            let tag = PrivateNetns.uniqueTag("c")
            try await CNMDaemon.with(tag: tag) { daemon in
                try await daemon.start()
                let admin = try daemon.makeClient()
                let one = "\(tag)one"
                let many = (0..<16).map { "\(tag)m\($0)" }
                for name in [one] + many { _ = try await admin.createNetwork(Self.network(name)) }
                let clients = try (0..<Self.clients).map { _ in try daemon.makeClient() }
                let sandboxes = (0..<Self.clients).map { "\(tag)s\($0)" }

                let created = try await concurrentMap(Array(0..<Self.clients), width: Self.clients) { index in
                    var request = Cnm_V1_CreateSandboxRequest()
                    request.name = sandboxes[index]
                    return try await clients[index].createSandbox(request).sandbox.name
                }
                #expect(Set(created) == Set(sandboxes))

                let onOne = try await concurrentMap(Array(0..<Self.clients), width: Self.clients) { index in
                    try await clients[index].connectSandbox(Self.connect(sandboxes[index], to: one)).endpoint
                }
                let onMany = try await concurrentMap(Array(0..<Self.clients), width: Self.clients) { index in
                    try await clients[index].connectSandbox(
                        Self.connect(sandboxes[index], to: many[index % 16])
                    )
                    .endpoint
                }
                let answered = onOne + onMany
                #expect(
                    Set(answered.map(\.ipv4Address)).count == answered.count,
                    "an address was handed out twice")
                #expect(onOne.allSatisfy { $0.ipv4Address.hasPrefix(Self.prefix(of: onOne[0].ipv4Address)) })

                let model = try await ModelSnapshot.read(admin)
                let stored = model.endpoints.filter { $0.name.hasPrefix(tag) }
                #expect(stored.count == 2 * Self.clients)
                #expect(Set(stored.map(\.id)) == Set(answered.map(\.id)))
                #expect(stored.filter { $0.networkName == one }.count == Self.clients)
                for name in many {
                    #expect(
                        stored.filter { $0.networkName == name }.count == Self.clients / 16, "network \(name)"
                    )
                }
                for sandbox in model.sandboxes where sandbox.name.hasPrefix(tag) {
                    #expect(sandbox.endpoints.count == 2, "sandbox \(sandbox.name)")
                }
                let report = try await ConsistencyCheck(netns: daemon.netns, tag: tag).run(model)
                #expect(report.isConsistent, "\(report.summary)")
                let veths = try await KernelView.links(in: daemon.netns).filter { $0.kind == "veth" }
                #expect(veths.count == 2 * Self.clients)
                print(
                    "concurrency: \(Self.clients) clients connected \(answered.count) endpoints (1 network, then 16), "
                        + "\(Set(answered.map(\.ipv4Address)).count) distinct addresses, \(report.pings) gateways pinged"
                )
                for client in clients { await client.close() }
                await admin.close()
            }
        }

        @Test(
            "16 concurrent creates of one network name or one sandbox name: exactly one wins, the others get already_exists"
        )
        func concurrentCreatesOfOneName() async throws {
            try PrivateNetns.require()
            let tag = PrivateNetns.uniqueTag("d")
            try await CNMDaemon.with(tag: tag) { daemon in
                try await daemon.start()
                let clients = try (0..<16).map { _ in try daemon.makeClient() }
                let network = "\(tag)dup"
                let networkOutcomes = await concurrentOutcomes(clients) { client in
                    _ = try await client.createNetwork(Self.network(network))
                }
                #expect(networkOutcomes.filter { $0 == nil }.count == 1)
                #expect(
                    networkOutcomes.compactMap { $0 }.allSatisfy { $0 == .alreadyExists },
                    "\(networkOutcomes)")

                let sandbox = "\(tag)dup"
                let sandboxOutcomes = await concurrentOutcomes(clients) { client in
                    var request = Cnm_V1_CreateSandboxRequest()
                    request.name = sandbox
                    request.network = network
                    _ = try await client.createSandbox(request)
                }
                #expect(sandboxOutcomes.filter { $0 == nil }.count == 1)
                #expect(
                    sandboxOutcomes.compactMap { $0 }.allSatisfy { $0 == .alreadyExists },
                    "\(sandboxOutcomes)")

                let model = try await ModelSnapshot.read(clients[0])
                #expect(model.networks.filter { $0.name == network }.count == 1)
                #expect(model.sandboxes.filter { $0.name == sandbox }.count == 1)
                #expect(model.endpoints.filter { $0.name == sandbox }.count == 1)
                let bridges = try await KernelView.links(in: daemon.netns).filter { link in
                    link.kind == "bridge"
                        && model.networks.contains { $0.name == network && link.cnmOwner == $0.id }
                }
                #expect(bridges.count == 1)
                let report = try await ConsistencyCheck(netns: daemon.netns, tag: tag).run(model)
                #expect(report.isConsistent, "\(report.summary)")
                for client in clients { await client.close() }
            }
        }

        @Test(
            "a connect on network B while 32 clients keep connecting on network A: latency against idle (figures, no timing assertion)"
        )
        func crossNetworkWaiting() async throws {
            try PrivateNetns.require()
            let tag = PrivateNetns.uniqueTag("l")
            try await CNMDaemon.with(tag: tag) { daemon in
                try await daemon.start()
                let admin = try daemon.makeClient()
                let (networkA, networkB) = ("\(tag)a", "\(tag)b")
                for name in [networkA, networkB] { _ = try await admin.createNetwork(Self.network(name)) }
                let loadSandboxes = (0..<32).map { "\(tag)a\($0)" }
                let probeSandbox = "\(tag)b"
                for name in loadSandboxes + [probeSandbox] {
                    var request = Cnm_V1_CreateSandboxRequest()
                    request.name = name
                    _ = try await admin.createSandbox(request)
                }
                let probe = try daemon.makeClient()
                let loadClients = try (0..<32).map { _ in try daemon.makeClient() }
                // Warm every connection so that the figures measure cnmd, not connection set-up.
                for client in loadClients + [probe] { _ = try await client.health() }

                let idle = try await Self.probeNetwork(probe, sandbox: probeSandbox, network: networkB)

                // 32 clients connect and disconnect their own sandboxes on A without pause.
                let stop = StopFlag()
                let load = Task {
                    try await concurrentMap(Array(0..<32), width: 32) { index in
                        var operations = 0
                        while !stop.isSet {
                            _ = try await loadClients[index].connectSandbox(
                                Self.connect(loadSandboxes[index], to: networkA))
                            var request = Cnm_V1_DisconnectSandboxRequest()
                            request.network = networkA
                            request.sandbox = loadSandboxes[index]
                            _ = try await loadClients[index].disconnectSandbox(request)
                            operations += 2
                        }
                        return operations
                    }
                }
                try await Task.sleep(for: .milliseconds(200))
                let loadStart = ContinuousClock.now
                let loaded = try await Self.probeNetwork(probe, sandbox: probeSandbox, network: networkB)
                stop.set()
                let loadOperations = try await load.value.reduce(0, +)
                let loadSeconds = Self.seconds(ContinuousClock.now - loadStart) + 0.2

                let model = try await ModelSnapshot.read(admin)
                #expect(model.endpoints.filter { $0.networkName == networkA }.isEmpty)
                #expect(model.endpoints.filter { $0.networkName == networkB }.isEmpty)
                print(
                    """
                    concurrency: connect on network B: idle median \(Self.ms(Self.median(idle.connects))), \
                    max \(Self.ms(idle.connects.max()!)); while 32 clients connect/disconnect on A: \
                    median \(Self.ms(Self.median(loaded.connects))), p90 \(Self.ms(Self.percentile(loaded.connects, 0.9))), \
                    max \(Self.ms(loaded.connects.max()!)) (\(loaded.connects.count) samples each)
                    concurrency: GetNetwork B (a read): idle median \(Self.ms(Self.median(idle.reads))); \
                    under the load median \(Self.ms(Self.median(loaded.reads))), max \(Self.ms(loaded.reads.max()!))
                    concurrency: the load ran \(loadOperations) connects/disconnects on A \
                    (\(Int(Double(loadOperations) / loadSeconds)) per second)
                    """)
                for client in loadClients + [probe, admin] { await client.close() }
            }
        }

        /// Connects and disconnects `sandbox` on `network` 10 times, timing each connect and a
        /// GetNetwork after it.
        static func probeNetwork(_ client: CNMClient, sandbox: String, network: String) async throws -> (
            connects: [Duration], reads: [Duration]
        ) {
            var connects: [Duration] = []
            var reads: [Duration] = []
            for _ in 0..<10 {
                connects.append(
                    try await Self.timed {
                        _ = try await client.connectSandbox(Self.connect(sandbox, to: network))
                    })
                reads.append(try await Self.timed { _ = try await client.getNetwork(Self.get(network)) })
                var request = Cnm_V1_DisconnectSandboxRequest()
                request.network = network
                request.sandbox = sandbox
                _ = try await client.disconnectSandbox(request)
            }
            return (connects, reads)
        }

        // MARK: - Helpers

        static func network(_ name: String) -> Cnm_V1_CreateNetworkRequest {
            var request = Cnm_V1_CreateNetworkRequest()
            request.name = name
            return request
        }

        static func connect(_ sandbox: String, to network: String) -> Cnm_V1_ConnectSandboxRequest {
            var request = Cnm_V1_ConnectSandboxRequest()
            request.network = network
            request.sandbox = sandbox
            return request
        }

        static func get(_ network: String) -> Cnm_V1_GetNetworkRequest {
            var request = Cnm_V1_GetNetworkRequest()
            request.network = network
            return request
        }

        /// The first three octets of "a.b.c.d/nn".
        static func prefix(of cidr: String) -> String {
            cidr.split(separator: ".").prefix(3).joined(separator: ".") + "."
        }

        static func timed(_ body: () async throws -> Void) async throws -> Duration {
            let start = ContinuousClock.now
            try await body()
            return ContinuousClock.now - start
        }

        static func median(_ values: [Duration]) -> Duration {
            values.isEmpty ? .zero : values.sorted()[values.count / 2]
        }

        static func percentile(_ values: [Duration], _ fraction: Double) -> Duration {
            values.isEmpty
                ? .zero : values.sorted()[min(values.count - 1, Int(Double(values.count) * fraction))]
        }

        static func seconds(_ duration: Duration) -> Double {
            let (seconds, attoseconds) = duration.components
            return Double(seconds) + Double(attoseconds) / 1e18
        }

        static func ms(_ duration: Duration) -> String {
            let (seconds, attoseconds) = duration.components
            return String(format: "%.1f ms", Double(seconds) * 1000 + Double(attoseconds) / 1e15)
        }
    }
}

/// Runs `body` once per client, all at once; nil where it succeeded, else the error code.
func concurrentOutcomes(
    _ clients: [CNMClient], _ body: @escaping @Sendable (CNMClient) async throws -> Void
) async -> [CNMErrorCode?] {
    await withTaskGroup(of: CNMErrorCode?.self) { group in
        for client in clients {
            group.addTask {
                do {
                    try await body(client)
                    return nil
                } catch {
                    return (error as? CNMError)?.code ?? .unknown
                }
            }
        }
        var outcomes: [CNMErrorCode?] = []
        for await outcome in group { outcomes.append(outcome) }
        return outcomes
    }
}
