import CNMClient

/// Attach (ConnectSandbox) and detach (DisconnectSandbox) per sandbox, and network create and
/// delete, timed one call at a time through the SDK against a running cnmd.
///
/// The method follows `../shared/scripts/bench-peers.sh` so the numbers sit side by side:
/// sandbox 0 is an anchor attached first and detached last (reported apart); `n = 1` is
/// `repetitions` attach/detach cycles of sandbox 1 with the anchor attached; `n > 1` attaches
/// sandboxes 1…n in order, checks reachability, then detaches them in the same order.
/// Sandboxes are made by cnmd (CreateSandbox) before the passes and removed after them; those
/// calls are timed too, as their own operations.
struct LatencySuite {
    let client: CNMClient
    let log: SampleLog
    /// The tool column, e.g. `cnm (SDK)`.
    let tool: String
    /// Prefix of the sandbox and network names, unique per run.
    let prefix: String
    let repetitions: Int
    let counts: [Int]
    /// How many networks the create/delete pass makes.
    let networkCount: Int
    /// Ping the anchor from the first and last sandbox of each pass.
    let verify: Bool
    /// The subnet of the attach network: large enough for every sandbox (a pool's /24 is not).
    let subnet: String

    func run() async throws {
        let network = "\(self.prefix)net"
        let largest = self.counts.max() ?? 1
        let sandboxes = (0...largest).map { "\(self.prefix)\($0)" }
        try await self.client.benchCreateNetwork(network, subnet: self.subnet)
        for sandbox in sandboxes {
            try await self.log.time(self.key("sandbox create", largest + 1)) {
                try await self.client.benchCreateSandbox(sandbox)
            }
        }
        let anchor = try await self.log.time(self.key("attach (anchor, first on the network)", 1)) {
            try await self.client.benchConnect(network, sandboxes[0])
        }
        let anchorAddress = Reachability.address(anchor.ipv4Address)
        for n in self.counts {
            Progress.note("\(self.tool): attach/detach n=\(n)")
            try await self.pass(n: n, network: network, sandboxes: sandboxes, anchorAddress: anchorAddress)
        }
        try await self.log.time(self.key("detach (anchor, last on the network)", 1)) {
            try await self.client.benchDisconnect(network, sandboxes[0])
        }
        for sandbox in sandboxes {
            try await self.log.time(self.key("sandbox delete", largest + 1)) {
                try await self.client.benchDeleteSandbox(sandbox)
            }
        }
        try await self.client.benchDeleteNetwork(network)
        try await self.networkPass()
    }

    private func pass(n: Int, network: String, sandboxes: [String], anchorAddress: String) async throws {
        if n == 1 {
            for repetition in 1...self.repetitions {
                try await self.log.time(self.key("attach", 1)) {
                    try await self.client.benchConnect(network, sandboxes[1])
                }
                if repetition == 1 { try self.check(sandboxes[1], anchorAddress) }
                try await self.log.time(self.key("detach", 1)) {
                    try await self.client.benchDisconnect(network, sandboxes[1])
                }
            }
            return
        }
        for sandbox in sandboxes[1...n] {
            try await self.log.time(self.key("attach", n)) {
                try await self.client.benchConnect(network, sandbox)
            }
        }
        try self.check(sandboxes[1], anchorAddress)
        try self.check(sandboxes[n], anchorAddress)
        for sandbox in sandboxes[1...n] {
            try await self.log.time(self.key("detach", n)) {
                try await self.client.benchDisconnect(network, sandbox)
            }
        }
    }

    /// Creates `networkCount` bridge networks one after another, then deletes them in order.
    private func networkPass() async throws {
        Progress.note("\(self.tool): network create/delete x\(self.networkCount)")
        let names = (0..<self.networkCount).map { "\(self.prefix)n\($0)" }
        for name in names {
            try await self.log.time(self.key("network create", self.networkCount)) {
                try await self.client.benchCreateNetwork(name)
            }
        }
        for name in names {
            try await self.log.time(self.key("network delete", self.networkCount)) {
                try await self.client.benchDeleteNetwork(name)
            }
        }
    }

    private func check(_ sandbox: String, _ address: String) throws {
        guard self.verify else { return }
        try Reachability.check(from: sandbox, to: address)
    }

    private func key(_ operation: String, _ n: Int) -> SampleKey {
        SampleKey(tool: self.tool, operation: operation, n: n)
    }
}
