import CNMAPI
import CNMClient
import Foundation
import Testing

extension ReliabilityTests {
    @Suite("Hostile input")
    struct HostileInputTests {
        static let requests = 10_000
        /// How much cnmd's resident set may grow over a whole hostile run.
        static let rssGrowthLimitKiB = 256 << 10

        @Test(
            "10,000 malformed requests over the Unix socket each get a 4xx Connect error; cnmd stays up, its memory bounded and its model unchanged"
        )
        func malformedRequests() async throws {
            try PrivateNetns.require()
            let tag = PrivateNetns.uniqueTag("f")
            try await CNMDaemon.with(tag: tag) { daemon in
                try await daemon.start()
                let admin = try daemon.makeClient()
                let (network, sandbox) = try await Self.populate(admin, tag: tag)
                let before = try await ModelSnapshot.read(admin)
                let rssBefore = try await daemon.residentKiB()
                let bomb = try await Shell.checked(["sh", "-c", "head -c 67108864 /dev/zero | gzip -c"])
                    .stdout

                let generator = MalformedRequestGenerator(
                    seed: 0xF022_0001, network: network, sandbox: sandbox, gzipBomb: Array(bomb))
                let path = daemon.socketPath
                let started = ContinuousClock.now
                let tally = try await onDedicatedThread {
                    try FuzzRun(path: path, generator: generator).run(count: Self.requests)
                }
                let elapsed = ContinuousClock.now - started

                #expect(try await admin.health().status == "SERVING")
                let rssAfter = try await daemon.residentKiB()
                let after = try await ModelSnapshot.read(admin)
                #expect(after == before, "the model changed")
                #expect(tally.sent >= Self.requests)
                #expect(
                    tally.failures.isEmpty,
                    "answers that are not a clean refusal:\n\(tally.failures.joined(separator: "\n"))")
                #expect(
                    rssAfter - rssBefore < Self.rssGrowthLimitKiB,
                    "RSS grew from \(rssBefore) to \(rssAfter) KiB")
                print(
                    """
                    fuzz: \(tally.sent) malformed requests (seed 0xF0220001, half HTTP/2, half HTTP/1.1) in \(elapsed); \
                    \(tally.failures.count) not refused cleanly; \(tally.reconnects) retried after a close
                    fuzz: by category: \(tally.perCategory.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
                    fuzz: answers: \(tally.answers.sorted { $0.value > $1.value }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", "))
                    fuzz: cnmd RSS \(rssBefore / 1024) MiB before, \(rssAfter / 1024) MiB after; model unchanged: \(after == before)
                    """)
                await admin.close()
            }
        }

        @Test(
            "HTTP/2 abuse on one connection leaves cnmd responsive to a second client",
            arguments: HTTP2Abuse.allCases)
        func http2Abuse(_ abuse: HTTP2Abuse) async throws {
            try PrivateNetns.require()
            let tag = PrivateNetns.uniqueTag("h")
            try await CNMDaemon.with(tag: tag) { daemon in
                try await daemon.start()
                let admin = try daemon.makeClient()
                _ = try await Self.populate(admin, tag: tag)
                let before = try await ModelSnapshot.read(admin)
                let rssBefore = try await daemon.residentKiB()

                let prober = try daemon.makeClient()
                _ = try await prober.health()
                let stop = StopFlag()
                let probes = Task { await Self.probe(prober, until: stop) }
                let path = daemon.socketPath
                let report = try await onDedicatedThread { try abuse.run(path: path) }
                stop.set()
                let (answered, failures, slowest) = await probes.value

                #expect(answered > 0, "the second client got no answer during the abuse")
                #expect(failures.isEmpty, "the second client failed during the abuse: \(failures)")
                #expect(try await admin.health().status == "SERVING")
                #expect(try await ModelSnapshot.read(admin) == before, "the model changed")
                let rssAfter = try await daemon.residentKiB()
                #expect(
                    rssAfter - rssBefore < Self.rssGrowthLimitKiB,
                    "RSS grew from \(rssBefore) to \(rssAfter) KiB")
                switch abuse {
                case .rapidReset, .continuationFlood:
                    #expect(report.cutOff, "cnmd did not cut off the abusive connection: \(report)")
                case .tooManyStreams:
                    #expect(report.cutOff || report.resets["REFUSED_STREAM", default: 0] >= 64, "\(report)")
                case .pingFlood:
                    break
                }
                print(
                    "http2 abuse: \(abuse): \(report); second client: \(answered) Health calls answered, slowest "
                        + "\(slowest), \(failures.count) failed; cnmd RSS \(rssBefore / 1024) → \(rssAfter / 1024) MiB"
                )
                await prober.close()
                await admin.close()
            }
        }

        /// A network and a sandbox connected to it, so that hostile requests can name real objects.
        static func populate(_ client: CNMClient, tag: String) async throws -> (
            network: String, sandbox: String
        ) {
            var network = Cnm_V1_CreateNetworkRequest()
            network.name = "\(tag)net"
            _ = try await client.createNetwork(network)
            var sandbox = Cnm_V1_CreateSandboxRequest()
            sandbox.name = "\(tag)box"
            sandbox.network = network.name
            _ = try await client.createSandbox(sandbox)
            return (network.name, sandbox.name)
        }

        /// Calls Health every 20 ms until `stop`, at least 3 times: (answered, failures, slowest answer).
        static func probe(_ client: CNMClient, until stop: StopFlag) async -> (Int, [String], Duration) {
            var answered = 0
            var failures: [String] = []
            var slowest = Duration.zero
            repeat {
                let start = ContinuousClock.now
                do {
                    _ = try await client.health(options: CNMCallOptions(timeout: .seconds(5)))
                    answered += 1
                    slowest = max(slowest, ContinuousClock.now - start)
                } catch {
                    failures.append("\(error)")
                }
                try? await Task.sleep(for: .milliseconds(20))
            } while !stop.isSet || answered + failures.count < 3
            return (answered, failures, slowest)
        }
    }
}
