import DNS
import Foundation
import Logging

/// The CNM controller: owns networks, endpoints and sandboxes, enforces the rules
/// users rely on (DESIGN.md), and drives the kernel through the drivers.
///
/// It is an actor on a dedicated serial queue (`DispatchQueueExecutor`), so blocking
/// system calls stay off the cooperative pool and the NIO event loops. Most operations
/// are synchronous inside — IPAM, kernel calls and one SQLite transaction — and run whole
/// before the next begins. The frequent endpoint operations (connect, disconnect, join,
/// leave, sandbox delete) run in three steps instead: decide and reserve on the actor,
/// do the kernel work on the network's lane (`KernelLanes`) while the actor serves
/// others, then commit on the actor. The sandbox's lock (`SandboxLocks`) is held across
/// all three, and what the first step reserves (addresses, the endpoint's record and
/// name, the sandbox's membership) makes every other operation see the change as
/// already made, so none ever sees another half done.
public actor Controller {
    let configuration: ControllerConfiguration
    let logger: Logger
    private let executor: DispatchQueueExecutor
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    let store: ModelStore
    let kernel: HostKernel
    var addresses: AddressManager
    let eventHub = EventHub()
    /// Where endpoint kernel work runs while the actor serves other requests.
    let lanes = KernelLanes()
    /// Held by an operation on a sandbox from its first step to its commit.
    var sandboxLocks = SandboxLocks()
    /// The embedded resolver, absent when `dnsPort` is nil.
    let dns: EmbeddedDNS?

    var networks = RecordTable<NetworkRecord>(nameKey: \.name)
    var endpoints = RecordTable<EndpointRecord>(
        nameKey: { "\($0.networkID)/\($0.name)" }, groupKey: \.networkID)
    var sandboxes = RecordTable<SandboxRecord>(nameKey: \.name)
    /// Open namespaces of sandboxes, with a netlink socket bound to each.
    var namespaces: [String: SandboxNamespace] = [:]
    var lastReconcile: ReconcileReport?

    let networkLookup = ObjectLookup<NetworkRecord>(kind: "network", id: \.id, name: \.name)
    let sandboxLookup = ObjectLookup<SandboxRecord>(kind: "sandbox", id: \.id, name: \.name)
    let endpointLookup = ObjectLookup<EndpointRecord>(kind: "endpoint", id: \.id, name: \.name)

    /// Opens the store and the kernel handles. Nothing is created until `start()`.
    public init(configuration: ControllerConfiguration, logger: Logger = Logger(label: "cnm.core")) throws {
        self.configuration = configuration
        self.logger = logger
        self.executor = DispatchQueueExecutor(label: "cnm.controller")
        do {
            self.store = try ModelStore(directory: configuration.stateDirectory)
            self.kernel = try HostKernel(firewallEnabled: configuration.firewallEnabled)
            self.addresses = try AddressManager(
                userPools: configuration.defaultAddressPools, machineID: configuration.machineID)
            self.dns = try configuration.dnsPort.map { port in
                try EmbeddedDNS(
                    upstream: configuration.dnsUpstream, hostResolvConf: configuration.hostResolvConf,
                    port: port,
                    logger: logger)
            }
        } catch {
            throw CNMError.wrapping(error, operation: "starting the controller")
        }
    }

    /// Loads the stored model, creates the predefined networks when missing,
    /// reconciles the kernel with the store, and starts the embedded DNS.
    public func start() async throws {
        let started = Date()
        do {
            try loadModel()
            try kernel.withFirewall { try $0.install(ipv6Forwarding: true) }
            var repaired: [String] = []
            try ensurePredefinedNetworks()
            repaired += try reconcile()
            publishDNSRecords()
            try await syncDNSListeners()
            let report = ReconcileReport(
                startedAt: started, durationMs: Date().timeIntervalSince(started) * 1000, repaired: repaired)
            lastReconcile = report
            logger.info(
                "controller started",
                metadata: [
                    "networks": "\(networks.count)", "endpoints": "\(endpoints.count)",
                    "sandboxes": "\(sandboxes.count)", "repaired": "\(repaired.count)",
                ])
        } catch {
            throw CNMError.wrapping(error, operation: "starting the controller")
        }
    }

    /// Counts and facts for GetInfo.
    public func info() -> ControllerInfo {
        ControllerInfo(
            networks: networks.count, endpoints: endpoints.count, sandboxes: sandboxes.count,
            drivers: ["bridge", "host", "null"], store: "sqlite", stateDir: configuration.stateDirectory,
            lastReconcile: lastReconcile)
    }

    /// Model changes from now on (and the kept ones at or after `since`).
    public nonisolated func events(since: Date? = nil) -> AsyncStream<ControllerEvent> {
        eventHub.subscribe(since: since)
    }

    func emit(
        _ type: String, _ action: String, id: String, name: String, _ attributes: [String: String] = [:]
    ) {
        eventHub.publish(
            ControllerEvent(
                time: Date(), type: type, action: action, actorID: id, actorName: name, attributes: attributes
            ))
    }

    /// Runs one controller operation, turning every failure into a `CNMError`.
    func perform<T>(_ operation: String, _ body: () throws -> T) throws(CNMError) -> T {
        do {
            return try body()
        } catch {
            throw failure(error, of: operation)
        }
    }

    /// `perform` for operations that suspend (kernel work on a lane, waiting for a lock).
    func performAsync<T>(_ operation: String, _ body: () async throws -> T) async throws(CNMError) -> T {
        do {
            return try await body()
        } catch {
            throw failure(error, of: operation)
        }
    }

    /// The `CNMError` an operation answers for `error`, logged by its kind (a fault of
    /// cnmd's or the kernel's at error level, a refused request at debug level).
    private func failure(_ error: any Error, of operation: String) -> CNMError {
        let failure = CNMError.wrapping(error, operation: operation)
        if failure.code == .internalError || failure.code == .unavailable {
            logger.error("\(operation) failed", metadata: ["error": "\(failure.message)"])
        } else {
            logger.debug("\(operation) refused", metadata: ["error": "\(failure.message)"])
        }
        return failure
    }

    /// Runs `body` holding the lock of sandbox `id`, waiting for it first if another
    /// operation holds it. Whatever `body` read before waiting must be read again.
    func withSandboxLock<T>(_ id: String, _ body: () async throws -> T) async throws -> T {
        if !sandboxLocks.tryAcquire(id) {
            await withCheckedContinuation { sandboxLocks.enqueue(id, $0) }
        }
        defer { sandboxLocks.release(id) }
        return try await body()
    }

    /// Runs `body` with the sandbox `reference` names, read again once its lock is held (it
    /// may have changed, or gone, while the operation waited).
    func withLockedSandbox<T>(_ reference: String, _ body: (SandboxRecord) async throws -> T) async throws
        -> T
    {
        let id = try sandboxLookup.find(reference, in: sandboxes).id
        return try await withSandboxLock(id) { try await body(sandboxLookup.find(id, in: sandboxes)) }
    }

    /// Runs a network driver's kernel work on the network's lane, with a netlink socket of
    /// its own, while the actor goes on serving other requests.
    func onLane<T: Sendable>(
        _ network: NetworkRecord, _ body: @escaping @Sendable (any NetworkDriver) throws -> T
    ) async throws -> T {
        let (kernel, logger) = (kernel, logger)
        return try await lanes.run(network.id) {
            try kernel.withSpareSocket { socket in
                try body(Self.driver(for: network, kernel: kernel, logger: logger, socket: socket))
            }
        }
    }

    /// Whether a network has embedded DNS: every user-defined bridge network, and the
    /// default one with `--default-bridge-dns`.
    func hasDNS(_ network: NetworkRecord) -> Bool {
        dns != nil && (network.isUserDefined || (network.isDefaultBridge && configuration.defaultBridgeDNS))
    }

    /// Rebuilds the DNS records from the whole model (start-up, reconciliation).
    func publishDNSRecords() {
        guard let dns else { return }
        var members: [String: [String: DNSRecordTable.Member]] = [:]
        for endpoint in endpoints.values {
            guard let sandboxID = endpoint.sandboxID, let sandbox = sandboxes[sandboxID] else { continue }
            members[endpoint.networkID, default: [:]][endpoint.id] = EmbeddedDNS.member(endpoint, sandbox)
        }
        dns.records.reset(
            networks.values.filter(hasDNS).map { (id: $0.id, name: $0.name, members: members[$0.id] ?? [:]) })
    }

    /// Tells the DNS records about one change (O(1); the table is rebuilt at the next query).
    func updateDNS(_ change: DNSChange) {
        guard let dns else { return }
        switch change {
        case .networkAdded(let network):
            if hasDNS(network) { dns.records.addNetwork(id: network.id, name: network.name) }
        case .networkRemoved(let network):
            dns.records.removeNetwork(id: network.id)
        case .joined(let endpoint, let sandbox):
            dns.records.setMember(
                networkID: endpoint.networkID, endpointID: endpoint.id, EmbeddedDNS.member(endpoint, sandbox))
        case .left(let endpoint):
            dns.records.removeMember(networkID: endpoint.networkID, endpointID: endpoint.id)
        }
    }

    enum DNSChange {
        case networkAdded(NetworkRecord)
        case networkRemoved(NetworkRecord)
        case joined(EndpointRecord, SandboxRecord)
        case left(EndpointRecord)
    }

    /// Makes the resolver listen on the gateways of exactly the networks with DNS.
    func syncDNSListeners() async throws {
        guard let dns else { return }
        let gateways = networks.values.filter(hasDNS).flatMap { ($0.ipv4 + $0.ipv6).map(\.gateway) }
        do {
            try await dns.listen(on: Set(gateways))
        } catch {
            throw CNMError(.internalError, "embedded DNS: \(error)")
        }
    }

    private func loadModel() throws {
        for network in try store.loadNetworks() { networks[network.id] = network }
        for endpoint in try store.loadEndpoints() { endpoints[endpoint.id] = endpoint }
        for sandbox in try store.loadSandboxes() { sandboxes[sandbox.id] = sandbox }
        for network in networks.values {
            try addresses.restoreNetwork(network)
        }
        for endpoint in endpoints.values {
            try addresses.restoreEndpoint(endpoint)
        }
    }
}
