import CNMAPI
import CNMClient

/// The names the churn works on: networks, sandboxes and stand-alone endpoints.
struct ChurnPlan: Sendable {
    let tag: String
    /// The shared networks: every worker connects to them; worker `i` deletes and re-creates
    /// network `i` (workers past the last network manage none).
    let networks: [String]
    /// One spare network per worker, which only that worker creates, connects to and deletes.
    let spareNetworks: [String]
    let sandboxes: [String]
    let workers: Int
    /// Stand-alone endpoints (CreateEndpoint + Join) per network and worker.
    let endpointsPerWorker: Int

    init(tag: String, networks: Int, sandboxes: Int, workers: Int, endpointsPerWorker: Int = 1) {
        self.tag = tag
        self.networks = (0..<networks).map { "\(tag)n\($0)" }
        self.spareNetworks = (0..<workers).map { "\(tag)x\($0)" }
        self.sandboxes = (0..<sandboxes).map { "\(tag)s\($0)" }
        self.workers = workers
        self.endpointsPerWorker = endpointsPerWorker
    }
}

/// A stand-alone endpoint: its name (unique across networks) and its network.
struct OwnedEndpoint: Sendable, Hashable {
    var name: String
    var network: String
}

/// One of the concurrent churn clients. Each worker owns a share of the sandboxes and
/// endpoints and only ever touches its own, so it knows the acknowledged state of each: an
/// operation cnmd answered with success is durable, and after a kill -9 and restart the store
/// must show it. Objects of an operation cut off by the kill are "uncertain" until the next
/// restart, when the worker takes their state from the store.
///
/// Networks: each worker also creates and deletes the networks it manages (its spare network,
/// and one shared network for the first workers), so kills also land inside network creates
/// (bridge made, not yet marked or stored) and deletes (record gone, bridge and firewall
/// elements still there). Only the managing worker changes a network's existence, so its
/// acknowledged existence is known exactly too. A delete of a network with endpoints must be
/// refused with failed_precondition.
struct ChurnWorker: Sendable {
    enum Operation: String, Sendable, CaseIterable {
        case createSandbox, deleteSandbox, connect, disconnect, createEndpoint, join, leave, deleteEndpoint
        case createNetwork, deleteNetwork
    }

    static let weights: [(Operation, Int)] = [
        (.createSandbox, 20), (.deleteSandbox, 10), (.connect, 24), (.disconnect, 16),
        (.createEndpoint, 8), (.join, 8), (.leave, 6), (.deleteEndpoint, 8),
        (.createNetwork, 6), (.deleteNetwork, 8),
    ]

    let index: Int
    let plan: ChurnPlan
    let ownedSandboxes: [String]
    let ownedEndpoints: [OwnedEndpoint]
    /// This worker's spare network.
    let spare: String
    /// The networks this worker creates and deletes: its spare and, for the first workers, one
    /// shared network.
    let managedNetworks: [String]
    private let board: NetworkBoard
    private var random: SeededGenerator
    /// Acknowledged state: managed network → whether it exists.
    private var networks: [String: Bool] = [:]
    /// Acknowledged state: sandbox → names of the networks it is on (absent: no such sandbox).
    private var sandboxes: [String: Set<String>] = [:]
    /// Acknowledged state: endpoint → the sandbox it is joined to ("" when not joined).
    private var endpoints: [String: String] = [:]
    private var uncertain: Set<String> = []
    /// Unjoined endpoints named after an owned sandbox (the remainder of a disconnect cut off
    /// between its two commits): deleted at the start of the next round so connects work again.
    private var leftovers: [String] = []

    /// A worker; the shared networks and none of the spare networks exist when it starts.
    init(index: Int, plan: ChurnPlan, board: NetworkBoard, seed: UInt64) {
        self.index = index
        self.plan = plan
        self.board = board
        let spare = plan.spareNetworks[index]
        self.spare = spare
        self.managedNetworks = [spare] + (index < plan.networks.count ? [plan.networks[index]] : [])

        self.ownedSandboxes = plan.sandboxes.enumerated().filter { $0.offset % plan.workers == index }.map(
            \.element)
        self.ownedEndpoints = plan.networks.enumerated().flatMap { networkIndex, network in
            (0..<plan.endpointsPerWorker).map {
                OwnedEndpoint(
                    name: "\(plan.tag)n\(networkIndex)e\(index * plan.endpointsPerWorker + $0)",
                    network: network)
            }
        }
        self.random = SeededGenerator(seed: seed)
        for network in self.managedNetworks { self.networks[network] = network != self.spare }
    }

    /// Runs random operations until `stop` is set. Returns the number of leftover endpoints it
    /// deleted first.
    mutating func run(_ client: CNMClient, stop: StopFlag, stats: ChurnStats) async -> Int {
        var cleaned = 0
        for id in self.leftovers {
            var request = Cnm_V1_DeleteEndpointRequest()
            request.endpoint = id
            if (try? await client.deleteEndpoint(request)) != nil { cleaned += 1 }
        }
        self.leftovers = []
        while !stop.isSet {
            let operation = self.random.weighted(Self.weights)
            await self.perform(operation, client, stop: stop, stats: stats)
        }
        return cleaned
    }

    private mutating func perform(
        _ operation: Operation, _ client: CNMClient, stop: StopFlag, stats: ChurnStats
    ) async {
        var sandbox = self.ownedSandboxes.randomElement(using: &self.random)!
        let networkOperation = operation == .createNetwork || operation == .deleteNetwork
        var network = (networkOperation ? self.managedNetworks : self.plan.networks + [self.spare])
            .randomElement(using: &self.random)!
        var endpoint = self.ownedEndpoints.randomElement(using: &self.random)!
        // Mostly aim at what the acknowledged state says will work, so that most calls reach
        // the kernel; the rest stay random and exercise the refusals.
        if Int.random(in: 0..<5, using: &self.random) != 0,
            let aimed = self.aim(operation)
        {
            (sandbox, network, endpoint) = (
                aimed.sandbox ?? sandbox, aimed.network ?? network, aimed.endpoint ?? endpoint
            )
        }
        let withNetwork = Bool.random(using: &self.random)
        let publish = Int.random(in: 0..<4, using: &self.random) == 0
        let hostPort = UInt32(31000 + Int.random(in: 0..<24, using: &self.random))
        let options = CNMCallOptions(timeout: .seconds(30))
        var touched: [String] = []
        do {
            switch operation {
            case .createSandbox:
                touched = [sandbox]
                var request = Cnm_V1_CreateSandboxRequest()
                request.name = sandbox
                if withNetwork { request.network = network }
                _ = try await client.createSandbox(request, options: options)
                self.sandboxes[sandbox] = withNetwork ? [network] : []
            case .deleteSandbox:
                let members = self.endpoints.filter { $0.value == sandbox }.map(\.key)
                touched = [sandbox] + members
                var request = Cnm_V1_DeleteSandboxRequest()
                request.sandbox = sandbox
                request.force = true
                _ = try await client.deleteSandbox(request, options: options)
                self.sandboxes[sandbox] = nil
                for member in members { self.endpoints[member] = nil }
            case .connect:
                touched = [sandbox]
                var request = Cnm_V1_ConnectSandboxRequest()
                request.network = network
                request.sandbox = sandbox
                if publish {
                    var binding = Cnm_V1_PortBinding()
                    binding.hostPort = hostPort
                    binding.containerPort = 80
                    binding.protocol = "tcp"
                    request.endpointConfig.portBindings = [binding]
                }
                _ = try await client.connectSandbox(request, options: options)
                self.sandboxes[sandbox, default: []].insert(network)
            case .disconnect:
                let members = self.endpoints.filter { name, joined in
                    joined == sandbox
                        && self.ownedEndpoints.contains(OwnedEndpoint(name: name, network: network))
                }.map(\.key)
                touched = [sandbox] + members
                var request = Cnm_V1_DisconnectSandboxRequest()
                request.network = network
                request.sandbox = sandbox
                _ = try await client.disconnectSandbox(request, options: options)
                self.sandboxes[sandbox]?.remove(network)
                for member in members { self.endpoints[member] = nil }
            case .createEndpoint:
                touched = [endpoint.name]
                var request = Cnm_V1_CreateEndpointRequest()
                request.network = endpoint.network
                request.name = endpoint.name
                _ = try await client.createEndpoint(request, options: options)
                self.endpoints[endpoint.name] = ""
            case .join:
                touched = [endpoint.name, sandbox]
                var request = Cnm_V1_JoinRequest()
                request.endpoint = endpoint.name
                request.sandbox = sandbox
                _ = try await client.join(request, options: options)
                self.endpoints[endpoint.name] = sandbox
                self.sandboxes[sandbox, default: []].insert(endpoint.network)
            case .leave:
                let joined = self.endpoints[endpoint.name].flatMap { $0.isEmpty ? nil : $0 } ?? sandbox
                touched = [endpoint.name, joined]
                var request = Cnm_V1_LeaveRequest()
                request.endpoint = endpoint.name
                request.sandbox = joined
                _ = try await client.leave(request, options: options)
                self.endpoints[endpoint.name] = ""
                self.sandboxes[joined]?.remove(endpoint.network)
            case .deleteEndpoint:
                let joined = self.endpoints[endpoint.name] ?? ""
                touched = [endpoint.name, joined]
                var request = Cnm_V1_DeleteEndpointRequest()
                request.endpoint = endpoint.name
                request.force = true
                _ = try await client.deleteEndpoint(request, options: options)
                self.endpoints[endpoint.name] = nil
                if !joined.isEmpty { self.sandboxes[joined]?.remove(endpoint.network) }
            case .createNetwork:
                touched = [network]
                var request = Cnm_V1_CreateNetworkRequest()
                request.name = network
                _ = try await client.createNetwork(request, options: options)
                self.networks[network] = true
                if self.board.phase(network) != nil {
                    self.board.set(network, .active)
                    await stats.note("shared network re-created")
                }
            case .deleteNetwork:
                touched = [network]
                // A shared network is emptied by all workers first (see NetworkBoard).
                _ = self.board.startDraining(network)
                var request = Cnm_V1_DeleteNetworkRequest()
                request.network = network
                _ = try await client.deleteNetwork(request, options: options)
                self.networks[network] = false
                if self.board.phase(network) != nil {
                    self.board.set(network, .absent)
                    await stats.note("shared network deleted")
                }
                let members = self.acknowledgedMembers(of: network)
                if !members.isEmpty {
                    await stats.unexpected(
                        operation.rawValue,
                        ChurnViolation(
                            "network \(network) was deleted while \(members) are acknowledged on it"))
                }
            }
            await stats.success(operation.rawValue)
        } catch {
            // Every call throws CNMError, so `error` is one.
            switch error.code {
            case .notFound, .alreadyExists, .failedPrecondition:
                if let violation = self.contradiction(operation, network: network, code: error.code) {
                    await stats.unexpected(operation.rawValue, violation)
                } else {
                    await stats.refusal(operation.rawValue, error.code)
                }
            case .unavailable, .canceled, .deadlineExceeded:
                self.uncertain.formUnion(touched)
                await stats.interruption(operation.rawValue)
                if !stop.isSet { try? await Task.sleep(for: .milliseconds(5)) }
            default:
                self.uncertain.formUnion(touched)
                await stats.unexpected(operation.rawValue, error)
            }
        }
    }

    /// Why a refusal of a network operation contradicts the acknowledged state (nil when it does
    /// not, or when the operation is not one on a managed network whose state is known): a
    /// delete of an existing network may only be refused for its endpoints (failed_precondition),
    /// of an absent one only with not_found; a create of an existing one only with
    /// already_exists, of an absent one not at all.
    private func contradiction(_ operation: Operation, network: String, code: CNMErrorCode) -> ChurnViolation?
    {
        guard operation == .createNetwork || operation == .deleteNetwork, !self.uncertain.contains(network),
            let exists = self.networks[network]
        else { return nil }
        let allowed: CNMErrorCode? =
            switch (operation, exists) {
            case (.deleteNetwork, true): .failedPrecondition
            case (.deleteNetwork, false): .notFound
            case (_, true): .alreadyExists
            default: nil
            }
        guard code != allowed else { return nil }
        return ChurnViolation(
            "\(operation.rawValue) \(network) (acknowledged \(exists ? "existing" : "absent")) was refused with \(code.rawValue), not \(allowed?.rawValue ?? "accepted")"
        )
    }

    /// Owned sandboxes and endpoints that the acknowledged state puts on `network` (only those
    /// whose state is certain).
    private func acknowledgedMembers(of network: String) -> [String] {
        let sandboxes = self.ownedSandboxes.filter {
            !self.uncertain.contains($0) && (self.sandboxes[$0]?.contains(network) ?? false)
        }
        let endpoints = self.ownedEndpoints.filter {
            $0.network == network && !self.uncertain.contains($0.name) && self.endpoints[$0.name] != nil
        }
        return sandboxes + endpoints.map(\.name)
    }

    /// Networks at which connects are aimed: shared ones the board has open, and the spare
    /// when it exists.
    private var openNetworks: [String] {
        self.plan.networks.filter { self.board.phase($0) == .active }
            + (self.networks[self.spare] == true ? [self.spare] : [])
    }

    private func isDraining(_ network: String) -> Bool { self.board.phase(network) == .draining }

    /// Targets on which `operation` should succeed, by the acknowledged state (nil: none).
    private mutating func aim(_ operation: Operation) -> (
        sandbox: String?, network: String?, endpoint: OwnedEndpoint?
    )? {
        let existing = self.ownedSandboxes.filter { self.sandboxes[$0] != nil }
        let open = self.openNetworks
        switch operation {
        case .createSandbox:
            return self.ownedSandboxes.filter { self.sandboxes[$0] == nil }.randomElement(using: &self.random)
                .map { ($0, open.randomElement(using: &self.random), nil) }
        case .deleteSandbox:
            // Deleting a sandbox on a draining network helps empty it.
            let onDraining = existing.filter { self.sandboxes[$0]!.contains(where: self.isDraining) }
            return self.pick(preferred: onDraining, else: existing).map { ($0, nil, nil) }
        case .connect:
            let pairs = existing.flatMap { sandbox in
                open.filter { !self.sandboxes[sandbox]!.contains($0) }.map { (sandbox, $0) }
            }
            return pairs.randomElement(using: &self.random).map { ($0.0, $0.1, nil) }
        case .disconnect:
            let pairs = existing.flatMap { sandbox in self.sandboxes[sandbox]!.sorted().map { (sandbox, $0) }
            }
            return self.pick(preferred: pairs.filter { self.isDraining($0.1) }, else: pairs).map {
                ($0.0, $0.1, nil)
            }
        case .createEndpoint:
            return self.ownedEndpoints.filter { self.endpoints[$0.name] == nil && open.contains($0.network) }
                .randomElement(using: &self.random).map { (nil, nil, $0) }
        case .join:
            let free = self.ownedEndpoints.filter {
                self.endpoints[$0.name] == "" && !self.isDraining($0.network)
            }
            let pairs = free.flatMap { endpoint in
                existing.filter { !(self.sandboxes[$0]?.contains(endpoint.network) ?? true) }.map {
                    ($0, endpoint)
                }
            }
            return pairs.randomElement(using: &self.random).map { ($0.0, nil, $0.1) }
        case .leave:
            let joined = self.ownedEndpoints.filter { !(self.endpoints[$0.name] ?? "").isEmpty }
            return self.pick(preferred: joined.filter { self.isDraining($0.network) }, else: joined).map {
                (nil, nil, $0)
            }
        case .deleteEndpoint:
            let present = self.ownedEndpoints.filter { self.endpoints[$0.name] != nil }
            return self.pick(preferred: present.filter { self.isDraining($0.network) }, else: present).map {
                (nil, nil, $0)
            }
        case .createNetwork:
            return self.managedNetworks.filter { self.networks[$0] == false }.randomElement(
                using: &self.random
            )
            .map { (nil, $0, nil) }
        case .deleteNetwork:
            // The spare once none of this worker's objects is on it; a shared network any time
            // (it is then drained until a delete succeeds).
            return self.managedNetworks.filter {
                self.networks[$0] == true && ($0 != self.spare || self.acknowledgedMembers(of: $0).isEmpty)
            }.randomElement(using: &self.random).map { (nil, $0, nil) }
        }
    }

    /// A random element of `preferred`, or of `others` when `preferred` is empty.
    private mutating func pick<T>(preferred: [T], else others: [T]) -> T? {
        preferred.randomElement(using: &self.random) ?? others.randomElement(using: &self.random)
    }

    /// Acknowledged changes the store does not show.
    func lostChanges(in model: ModelSnapshot) -> [String] {
        var lost: [String] = []
        let sandboxNames = Dictionary(
            model.sandboxes.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        for name in self.ownedSandboxes where !self.uncertain.contains(name) {
            let stored = Self.networks(of: name, in: model)
            if stored != self.sandboxes[name] {
                lost.append(
                    "sandbox \(name): acknowledged \(Self.describe(self.sandboxes[name])), stored \(Self.describe(stored))"
                )
            }
        }
        for network in self.managedNetworks where !self.uncertain.contains(network) {
            let stored = model.networks.contains { $0.name == network }
            if stored != self.networks[network] {
                lost.append(
                    "network \(network): acknowledged \(self.networks[network] == true ? "existing" : "absent"), stored \(stored ? "existing" : "absent")"
                )
            }
        }
        for endpoint in self.ownedEndpoints where !self.uncertain.contains(endpoint.name) {
            let stored = model.endpoints.first {
                $0.name == endpoint.name && $0.networkName == endpoint.network
            }
            let storedJoin = stored.map { sandboxNames[$0.sandboxID] ?? "" }
            if storedJoin != self.endpoints[endpoint.name] {
                lost.append(
                    "endpoint \(endpoint.name): acknowledged \(self.endpoints[endpoint.name].map { "joined to '\($0)'" } ?? "absent"), stored \(storedJoin.map { "joined to '\($0)'" } ?? "absent")"
                )
            }
        }
        return lost
    }

    /// Takes the state of every owned object from the store (after a restart) and notes the
    /// leftover endpoints of interrupted disconnects; returns how many there are.
    mutating func resync(with model: ModelSnapshot) -> Int {
        self.uncertain = []
        for name in self.ownedSandboxes { self.sandboxes[name] = Self.networks(of: name, in: model) }
        for network in self.managedNetworks {
            let exists = model.networks.contains { $0.name == network }
            self.networks[network] = exists
            if let phase = self.board.phase(network) {
                self.board.set(network, exists ? (phase == .draining ? .draining : .active) : .absent)
            }
        }
        let sandboxNames = Dictionary(
            model.sandboxes.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        for endpoint in self.ownedEndpoints {
            let stored = model.endpoints.first {
                $0.name == endpoint.name && $0.networkName == endpoint.network
            }
            self.endpoints[endpoint.name] = stored.map { sandboxNames[$0.sandboxID] ?? "" }
        }
        let owned = Set(self.ownedSandboxes)
        self.leftovers = model.endpoints.filter { $0.sandboxID.isEmpty && owned.contains($0.name) }.map(\.id)
        return self.leftovers.count
    }

    /// The networks a sandbox is on according to the store; nil when there is no such sandbox.
    private static func networks(of sandbox: String, in model: ModelSnapshot) -> Set<String>? {
        guard let record = model.sandboxes.first(where: { $0.name == sandbox }) else { return nil }
        return Set(model.endpoints.filter { $0.sandboxID == record.id }.map(\.networkName))
    }

    private static func describe(_ networks: Set<String>?) -> String {
        guard let networks else { return "absent" }
        return "on \(networks.sorted())"
    }
}

/// A call whose outcome contradicts the acknowledged state.
struct ChurnViolation: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }
}
