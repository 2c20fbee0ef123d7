import CNMAPI
import CNMClient
import Foundation
import Testing

extension ReliabilityTests {
    @Suite("Reconciliation at start")
    struct ReconcileTimeTests {
        static let networks = 10
        static let sandboxes = 100

        @Test(
            "1,000 joined endpoints survive a restart (SIGTERM, then kill -9) unchanged; the start-up reconciliation time is reported"
        )
        func reconcileThousandEndpoints() async throws {
            try PrivateNetns.require()
            let tag = PrivateNetns.uniqueTag("s")
            try await CNMDaemon.with(tag: tag) { daemon in
                try await daemon.start()
                let admin = try daemon.makeClient()
                let networks = (0..<Self.networks).map { "\(tag)n\($0)" }
                let sandboxes = (0..<Self.sandboxes).map { "\(tag)s\($0)" }
                for name in networks {
                    var request = Cnm_V1_CreateNetworkRequest()
                    request.name = name
                    _ = try await admin.createNetwork(request)
                }
                let clients = try (0..<8).map { _ in try daemon.makeClient() }
                let building = ContinuousClock.now
                _ = try await concurrentMap(Array(sandboxes.enumerated()), width: 8) { index, name in
                    let client = clients[index % clients.count]
                    var request = Cnm_V1_CreateSandboxRequest()
                    request.name = name
                    _ = try await client.createSandbox(request)
                    for network in networks {
                        var connect = Cnm_V1_ConnectSandboxRequest()
                        connect.network = network
                        connect.sandbox = name
                        _ = try await client.connectSandbox(connect)
                    }
                }
                let buildTime = ContinuousClock.now - building
                for client in clients { await client.close() }
                let before = try await ModelSnapshot.read(admin)
                let joined = before.joinedBridgeEndpoints.filter { $0.name.hasPrefix(tag) }
                #expect(joined.count == Self.networks * Self.sandboxes)

                #expect(try await daemon.stop() == 0)
                try await daemon.start()
                let graceful = try await admin.getInfo().lastReconcile
                let afterGraceful = try await ModelSnapshot.read(admin)
                #expect(afterGraceful == before)
                #expect(graceful.repaired.isEmpty, "a clean restart repaired: \(graceful.repaired.prefix(5))")

                try await daemon.killHard()
                try await daemon.start()
                let crashed = try await admin.getInfo().lastReconcile
                let afterCrash = try await ModelSnapshot.read(admin)
                #expect(afterCrash == before)
                #expect(
                    crashed.repaired.isEmpty,
                    "a restart after an idle kill -9 repaired: \(crashed.repaired.prefix(5))")

                let checking = ContinuousClock.now
                var check = ConsistencyCheck(netns: daemon.netns, tag: tag)
                check.pings = .firstPerSandbox
                let report = try await check.run(afterCrash)
                #expect(report.isConsistent, "\(report.summary)")
                print(
                    """
                    reconcile: \(joined.count) joined endpoints (\(Self.networks) networks × \(Self.sandboxes) sandboxes, \
                    built in \(buildTime)); start-up reconciliation took \(graceful.durationMs) ms after SIGTERM, \
                    \(crashed.durationMs) ms after kill -9 (GetInfo.lastReconcile.durationMs); consistency check \
                    with \(report.pings) gateway pings took \(ContinuousClock.now - checking)
                    """)
                await admin.close()
            }
        }
    }
}
