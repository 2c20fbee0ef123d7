import CNMClient

/// cnmd at size: per-operation latency on an empty daemon and again with `networks` bridge
/// networks and `endpoints` joined endpoints (one sandbox each, spread round-robin over the
/// networks), cnmd's RSS at each step, ListNetworks at that size, and RSS growth over
/// `cycles` connect/disconnect cycles.
///
/// Everything it creates stays in place: `bench/run.sh` restarts cnmd on that state to time
/// the start, and then drops the whole private namespace.
struct ScaleSuite {
    let client: CNMClient
    let samples: SampleLog
    let metrics: MetricLog
    /// cnmd's process ID, for `/proc/PID/status`.
    let pid: Int32
    let networks: Int
    let endpoints: Int
    let cycles: Int
    /// Repetitions of each probed operation.
    let probeRepetitions: Int

    /// The tool column of the probe samples: the daemon's size when they were taken.
    static let emptyPhase = "empty daemon"
    static let fullPhase = "at scale"

    func run() async throws {
        try await self.client.benchCreateNetwork("sprobe")
        try await self.client.benchCreateSandbox("sprobe")
        try self.recordRSS("rss, empty daemon")
        try await self.probe(phase: Self.emptyPhase, tag: "e")

        Progress.note("scale: creating \(self.networks) networks")
        for index in 0..<self.networks {
            try await self.samples.time(
                SampleKey(tool: "fill", operation: "network create", n: self.networks)
            ) {
                try await self.client.benchCreateNetwork("sn\(index)")
            }
        }
        try self.recordRSS("rss, \(self.networks) networks")
        Progress.note("scale: creating and attaching \(self.endpoints) sandboxes")
        for index in 0..<self.endpoints {
            try await self.samples.time(
                SampleKey(tool: "fill", operation: "sandbox create", n: self.endpoints)
            ) {
                try await self.client.benchCreateSandbox("ss\(index)")
            }
            try await self.samples.time(SampleKey(tool: "fill", operation: "attach", n: self.endpoints)) {
                try await self.client.benchConnect("sn\(index % max(self.networks, 1))", "ss\(index)")
            }
        }
        try self.recordRSS("rss, \(self.networks) networks + \(self.endpoints) endpoints")
        try await self.probe(phase: Self.fullPhase, tag: "f")
        try await self.cyclePass()
        let info = try await self.client.getInfo()
        self.metrics.record("networks at the end (GetInfo)", Double(info.networks), "")
        self.metrics.record("endpoints at the end (GetInfo)", Double(info.endpoints), "")
        self.metrics.record("sandboxes at the end (GetInfo)", Double(info.sandboxes), "")
    }

    /// Times each operation `probeRepetitions` times against the daemon as it is.
    private func probe(phase: String, tag: String) async throws {
        Progress.note("scale: probing (\(phase))")
        let repetitions = self.probeRepetitions
        let key = { (operation: String) in SampleKey(tool: phase, operation: operation, n: repetitions) }
        for index in 0..<repetitions {
            try await self.samples.time(key("network create")) {
                try await self.client.benchCreateNetwork("sp\(tag)\(index)")
            }
        }
        for index in 0..<repetitions {
            try await self.samples.time(key("network delete")) {
                try await self.client.benchDeleteNetwork("sp\(tag)\(index)")
            }
        }
        for _ in 0..<repetitions {
            try await self.samples.time(key("attach")) {
                try await self.client.benchConnect("sprobe", "sprobe")
            }
            try await self.samples.time(key("detach")) {
                try await self.client.benchDisconnect("sprobe", "sprobe")
            }
        }
        for _ in 0..<repetitions * 4 {
            try await self.samples.time(key("GetNetwork")) { try await self.client.benchGetNetwork("sprobe") }
        }
        for _ in 0..<repetitions * 4 {
            try await self.samples.time(key("Health")) { _ = try await self.client.health() }
        }
        var listed = 0
        for _ in 0..<repetitions {
            listed = try await self.samples.time(key("ListNetworks")) {
                try await self.client.benchListNetworks()
            }
        }
        self.metrics.record("networks listed (\(phase))", Double(listed), "")
    }

    /// Connect/disconnect cycles of one sandbox on one network; RSS before, every tenth, after.
    private func cyclePass() async throws {
        guard self.cycles > 0 else { return }
        Progress.note("scale: \(self.cycles) connect/disconnect cycles")
        let before = try ProcessStatus(pid: self.pid)
        self.metrics.record("rss before \(self.cycles) cycles", before.rssMiB, "MiB")
        let step = max(self.cycles / 10, 1)
        for cycle in 1...self.cycles {
            try await self.samples.time(SampleKey(tool: "cycles", operation: "attach", n: self.cycles)) {
                try await self.client.benchConnect("sprobe", "sprobe")
            }
            try await self.samples.time(SampleKey(tool: "cycles", operation: "detach", n: self.cycles)) {
                try await self.client.benchDisconnect("sprobe", "sprobe")
            }
            if cycle % step == 0 {
                let status = try ProcessStatus(pid: self.pid)
                self.metrics.record("rss after \(cycle) cycles", status.rssMiB, "MiB")
            }
        }
        let after = try ProcessStatus(pid: self.pid)
        self.metrics.record("rss growth over \(self.cycles) cycles", after.rssMiB - before.rssMiB, "MiB")
    }

    private func recordRSS(_ metric: String) throws {
        let status = try ProcessStatus(pid: self.pid)
        self.metrics.record(metric, status.rssMiB, "MiB")
    }
}
