import CNMAPI
import CNMClient
import Foundation
import Testing

extension ReliabilityTests {
    @Suite("Crash safety under kill -9")
    struct CrashSafetyTests {
        static let kills = 20
        static let workers = 4

        /// The state a kill -9 leaves when it lands inside a disconnect of the sandbox's
        /// default-route network, after the kernel work (veth deleted, default route moved to
        /// the next network) and before the store commit: the store still has the sandbox on
        /// both networks, the first one first. Made by hand so that the window is hit every time.
        @Test(
            "a disconnect cut off after moving the default route but before its commit: after restart the route goes through the first network again"
        )
        func killDuringDefaultRouteMove() async throws {
            try PrivateNetns.require()
            let tag = PrivateNetns.uniqueTag("d")
            try await CNMDaemon.with(tag: tag) { daemon in
                try await daemon.start()
                let client = try daemon.makeClient()
                for name in ["\(tag)a", "\(tag)b"] {
                    var request = Cnm_V1_CreateNetworkRequest()
                    request.name = name
                    _ = try await client.createNetwork(request)
                }
                let sandbox = "\(tag)s"
                var create = Cnm_V1_CreateSandboxRequest()
                create.name = sandbox
                create.network = "\(tag)a"
                _ = try await client.createSandbox(create)
                var connect = Cnm_V1_ConnectSandboxRequest()
                connect.network = "\(tag)b"
                connect.sandbox = sandbox
                _ = try await client.connectSandbox(connect)
                let before = try await ModelSnapshot.read(client)
                let first = try #require(before.endpoints.first { $0.networkName == "\(tag)a" })
                let second = try #require(before.networks.first { $0.name == "\(tag)b" })
                let firstGateway = try #require(
                    before.networks.first { $0.name == "\(tag)a" }?.ipam.configs.first
                )
                .gateway
                #expect(try await KernelView.defaultGateway(in: sandbox) == firstGateway)

                try await daemon.killHard()
                try await Shell.checked(["ip", "-n", daemon.netns, "link", "del", first.hostInterfaceName])
                try await Shell.checked([
                    "ip", "-n", sandbox, "route", "add", "default", "via", second.ipam.configs[0].gateway,
                ])
                try await daemon.start()

                let report = try await ConsistencyCheck(netns: daemon.netns, tag: tag).run(
                    try await ModelSnapshot.read(client))
                let repaired = try await client.getInfo().lastReconcile.repaired
                #expect(report.isConsistent, "\(report.summary)\nreconciliation repaired: \(repaired)")
                #expect(try await KernelView.defaultGateway(in: sandbox) == firstGateway)
                await client.close()
                #expect(try await daemon.stop() == 0)
            }
        }

        @Test(
            "kill -9 at random moments of a 4-client churn of sandboxes, endpoints and networks: after every restart store and kernel agree and no acknowledged change is lost"
        )
        func killNineDuringChurn() async throws {
            try PrivateNetns.require()
            let tag = PrivateNetns.uniqueTag("t")
            try await CNMDaemon.with(tag: tag) { daemon in
                try await daemon.start()
                let plan = ChurnPlan(tag: tag, networks: 3, sandboxes: 12, workers: Self.workers)
                let admin = try daemon.makeClient()
                for name in plan.networks {
                    var request = Cnm_V1_CreateNetworkRequest()
                    request.name = name
                    _ = try await admin.createNetwork(request)
                }
                let clients = try (0..<Self.workers).map { _ in try daemon.makeClient() }
                let board = NetworkBoard(networks: plan.networks)
                var workers = (0..<Self.workers).map {
                    ChurnWorker(index: $0, plan: plan, board: board, seed: 0x5EED_0000 + UInt64($0))
                }
                let stats = ChurnStats()
                let check = ConsistencyCheck(netns: daemon.netns, tag: tag)
                var schedule = SeededGenerator(seed: 0xC0FF_EE00)
                var figures = TortureFigures()

                for round in 1...Self.kills {
                    let stop = StopFlag()
                    let current = workers
                    let running = Task {
                        await withTaskGroup(of: (Int, ChurnWorker, Int).self) { group in
                            for (index, worker) in current.enumerated() {
                                let client = clients[index]
                                group.addTask {
                                    var worker = worker
                                    let cleaned = await worker.run(client, stop: stop, stats: stats)
                                    return (index, worker, cleaned)
                                }
                            }
                            var result = current
                            var cleaned = 0
                            for await (index, worker, count) in group {
                                result[index] = worker
                                cleaned += count
                            }
                            return (result, cleaned)
                        }
                    }
                    try await Task.sleep(for: .milliseconds(Int.random(in: 150...1200, using: &schedule)))
                    try await daemon.killHard()
                    stop.set()
                    let (after, cleaned) = await running.value
                    workers = after
                    figures.leftoversCleaned += cleaned

                    let restart = ContinuousClock.now
                    try await daemon.start()
                    figures.restarts.append(ContinuousClock.now - restart)
                    let model = try await ModelSnapshot.read(admin)
                    let info = try await admin.getInfo()
                    figures.record(repairs: info.lastReconcile.repaired)
                    let report = try await check.run(model)
                    figures.record(report)
                    #expect(
                        report.isConsistent,
                        "after kill \(round):\n\(report.summary)\nreconciliation repaired: \(info.lastReconcile.repaired)"
                    )
                    let lost = workers.flatMap { $0.lostChanges(in: model) }
                    figures.lost += lost.count
                    #expect(
                        lost.isEmpty,
                        "after kill \(round), acknowledged changes are missing:\n\(lost.joined(separator: "\n"))"
                    )
                    figures.leftovers += workers.indices.reduce(0) { $0 + workers[$1].resync(with: model) }
                    figures.killsSurvived += 1
                }

                // Everything the churn made can be removed, and then nothing is left in the kernel.
                let model = try await ModelSnapshot.read(admin)
                for sandbox in model.sandboxes where sandbox.name.hasPrefix(tag) {
                    var request = Cnm_V1_DeleteSandboxRequest()
                    request.sandbox = sandbox.id
                    request.force = true
                    _ = try await admin.deleteSandbox(request)
                }
                for endpoint in try await admin.listEndpoints().endpoints where endpoint.name.hasPrefix(tag) {
                    var request = Cnm_V1_DeleteEndpointRequest()
                    request.endpoint = endpoint.id
                    request.force = true
                    _ = try await admin.deleteEndpoint(request)
                }
                for network in try await admin.listNetworks().networks where network.name.hasPrefix(tag) {
                    var request = Cnm_V1_DeleteNetworkRequest()
                    request.network = network.id
                    _ = try await admin.deleteNetwork(request)
                }
                let emptiedModel = try await ModelSnapshot.read(admin)
                let emptied = try await check.run(emptiedModel)
                #expect(emptied.isConsistent, "after deleting everything:\n\(emptied.summary)")
                let links = try await KernelView.links(in: daemon.netns)
                let veths = links.filter { $0.kind == "veth" }
                #expect(veths.isEmpty, "veths left after deleting every sandbox: \(veths.map(\.name))")
                let predefinedBridges = Set(
                    emptiedModel.networks.filter { $0.driver == "bridge" }.map(\.bridgeName))
                let bridges = links.filter { $0.kind == "bridge" && !predefinedBridges.contains($0.name) }
                #expect(bridges.isEmpty, "bridges left after deleting every network: \(bridges.map(\.name))")
                let namespaces = KernelView.namespaceNames().filter { $0.hasPrefix(tag) }
                #expect(namespaces.isEmpty, "namespaces left after deleting every sandbox: \(namespaces)")
                await admin.close()
                for client in clients { await client.close() }
                #expect(try await daemon.stop() == 0)
                let failedRouteMoves = daemon.logLines(containing: "could not move the default route")

                let succeeded = await stats.succeeded
                let networkRefusals = await stats.refusedByOperation.filter { $0.key.contains("Network") }
                let networkCutOff = await stats.interruptedByOperation.filter { $0.key.contains("Network") }
                let unexpected = await stats.unexpected
                let samples = await stats.unexpectedSamples
                print(
                    """
                    torture: \(figures.killsSurvived)/\(Self.kills) kill -9 survived (\(Self.workers) clients, \
                    \(plan.networks.count) networks + \(plan.spareNetworks.count) spare × \(plan.sandboxes.count) sandboxes, seeds 0x5EED0000+, 0xC0FFEE00)
                    torture: operations: \(await stats.totalSucceeded) succeeded \
                    \(succeeded.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")); \
                    \(await stats.totalRefused) refused by the rules \(await stats.refused); \
                    \(await stats.interrupted) cut off by a kill; \(unexpected) unexpected \(samples)
                    torture: network operations: created \(succeeded["createNetwork", default: 0]), \
                    deleted \(succeeded["deleteNetwork", default: 0]) (of the shared ones: \(await stats.notes.sorted { $0.key < $1.key })); refused \(networkRefusals.sorted { $0.key < $1.key }); \
                    cut off by a kill \(networkCutOff.sorted { $0.key < $1.key }) (of all cut off: \
                    \(await stats.interruptedByOperation.sorted { $0.key < $1.key }))
                    torture: leaks found \(figures.leaks.count) \(figures.leaks.sorted()); \
                    records without kernel objects \(figures.missing.count) \(figures.missing.sorted()); \
                    mismatches \(figures.broken.count) \(figures.broken.sorted()); \
                    acknowledged changes lost \(figures.lost)
                    torture: reconciliation repaired \(figures.repairs) objects: \(figures.repairKinds.sorted { $0.key < $1.key })
                    torture: unjoined endpoints left by disconnects cut off between their two commits: \
                    \(figures.leftovers) (deleted by the workers: \(figures.leftoversCleaned)); \
                    stale /etc/netns directories seen: \(figures.staleFiles.count)
                    torture: restart to serving: median \(figures.median(figures.restarts)), \
                    max \(figures.restarts.max() ?? .zero); gateway pings checked \(figures.pings)
                    torture: default-route moves that failed (cnmd log): \(failedRouteMoves.count) \(failedRouteMoves.prefix(3))
                    """)
                #expect(unexpected == 0, "unexpected errors: \(samples)")
            }
        }
    }
}

/// What the torture test counts across its rounds.
struct TortureFigures {
    var killsSurvived = 0
    var restarts: [Duration] = []
    var leaks = Set<String>()
    var missing = Set<String>()
    var broken = Set<String>()
    var staleFiles = Set<String>()
    var lost = 0
    var repairs = 0
    var repairKinds: [String: Int] = [:]
    var leftovers = 0
    var leftoversCleaned = 0
    var pings = 0

    mutating func record(_ report: ConsistencyReport) {
        self.leaks.formUnion(report.leaks)
        self.missing.formUnion(report.missing)
        self.broken.formUnion(report.broken)
        self.staleFiles.formUnion(report.staleFiles)
        self.pings += report.pings
    }

    /// Counts repairs by kind: their first three plain words ("removed orphan interface").
    mutating func record(repairs: [String]) {
        self.repairs += repairs.count
        for entry in repairs {
            let words = entry.split(separator: " ").filter { $0.allSatisfy { $0 >= "a" && $0 <= "z" } }
            let kind = words.prefix(3).joined(separator: " ")
            self.repairKinds[kind, default: 0] += 1
        }
    }

    func median(_ values: [Duration]) -> Duration {
        guard !values.isEmpty else { return .zero }
        return values.sorted()[values.count / 2]
    }
}
