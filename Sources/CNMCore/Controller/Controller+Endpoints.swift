import Foundation
import Logging

/// Endpoint operations: create, join, leave, delete, and the one-call
/// connect/disconnect that `docker network connect` users know.
///
/// Those that touch a sandbox take its lock, then look everything up again (the model may
/// have changed while they waited), and do their kernel work on the network's lane.
extension Controller {
    public func createEndpoint(network reference: String, _ request: EndpointCreateRequest) throws(CNMError)
        -> EndpointInfo
    {
        try perform("create endpoint \(request.name)") {
            let network = try networkLookup.find(reference, in: networks)
            let endpoint = try buildEndpoint(network: network, request, defaultName: nil)
            try store.save(endpoint)
            endpoints[endpoint.id] = endpoint
            emit("endpoint", "create", id: endpoint.id, name: endpoint.name, ["network": network.name])
            return info(of: endpoint)
        }
    }

    public func endpoint(_ reference: String) throws(CNMError) -> EndpointInfo {
        try perform("inspect endpoint") { info(of: try endpointLookup.find(reference, in: endpoints)) }
    }

    /// Endpoints, optionally only those of a network and/or a sandbox (references).
    public func listEndpoints(filters: ListFilters = [:]) throws(CNMError) -> [EndpointInfo] {
        try perform("list endpoints") {
            for key in filters.keys where key != "network" && key != "sandbox" && key != "name" {
                throw CNMError.invalid("filters", key, "unknown filter (known: name, network, sandbox)")
            }
            let networkIDs = try (filters["network"] ?? []).map {
                try networkLookup.find($0, in: networks).id
            }
            let sandboxIDs = try (filters["sandbox"] ?? []).map {
                try sandboxLookup.find($0, in: sandboxes).id
            }
            let names = filters["name"] ?? []
            return endpoints.values.filter { endpoint in
                (networkIDs.isEmpty || networkIDs.contains(endpoint.networkID))
                    && (sandboxIDs.isEmpty || sandboxIDs.contains(endpoint.sandboxID ?? ""))
                    && (names.isEmpty || names.contains(where: { endpoint.name.contains($0) }))
            }.sorted { ($0.name, $0.id) < ($1.name, $1.id) }.map(info(of:))
        }
    }

    public func deleteEndpoint(_ reference: String, force: Bool = false) async throws(CNMError) {
        try await performAsync("delete endpoint \(reference)") {
            let found = try endpointLookup.find(reference, in: endpoints)
            guard let sandboxID = found.sandboxID, let sandbox = sandboxes[sandboxID] else {
                try dropEndpoint(found)
                return
            }
            guard force else {
                throw CNMError(
                    .failedPrecondition,
                    "endpoint \(found.name) id \(found.id.prefix(12)) has active sandbox \(sandbox.name)")
            }
            try await withSandboxLock(sandboxID) {
                let endpoint = try endpointLookup.find(found.id, in: endpoints)
                guard let current = endpoint.sandboxID, let sandbox = sandboxes[current] else {
                    try dropEndpoint(endpoint)
                    return
                }
                guard current == sandboxID else {
                    throw CNMError(
                        .failedPrecondition,
                        "endpoint \(endpoint.name) moved to another sandbox meanwhile; try again")
                }
                try await leaveEndpoint(endpoint, from: sandbox, deleting: true)
            }
        }
    }

    public func join(
        endpoint endpointReference: String, sandbox sandboxReference: String, interfaceName: String = ""
    )
        async throws(CNMError) -> EndpointInfo
    {
        try await performAsync("join endpoint \(endpointReference)") {
            return try await withLockedSandbox(sandboxReference) { sandbox in
                let endpoint = try endpointLookup.find(endpointReference, in: endpoints)
                return info(of: try await joinEndpoint(endpoint, to: sandbox, interfaceName: interfaceName))
            }
        }
    }

    public func leave(endpoint endpointReference: String, sandbox sandboxReference: String)
        async throws(CNMError) -> EndpointInfo
    {
        try await performAsync("leave endpoint \(endpointReference)") {
            return try await withLockedSandbox(sandboxReference) { sandbox in
                let endpoint = try endpointLookup.find(endpointReference, in: endpoints)
                return try await leaveJoined(endpoint, sandbox)
            }
        }
    }

    private func leaveJoined(_ endpoint: EndpointRecord, _ sandbox: SandboxRecord) async throws
        -> EndpointInfo
    {
        guard let joined = endpoint.sandboxID else {
            throw CNMError(
                .failedPrecondition, "cannot leave endpoint \(endpoint.name) with no attached sandbox")
        }
        guard joined == sandbox.id else {
            throw CNMError(
                .failedPrecondition,
                "endpoint \(endpoint.name) is joined to sandbox \(sandboxes[joined]?.name ?? joined), not \(sandbox.name)"
            )
        }
        return info(of: try await leaveEndpoint(endpoint, from: sandbox))
    }

    /// Creates an endpoint named after the sandbox (unless named) and joins it.
    public func connect(
        network networkReference: String, sandbox sandboxReference: String, _ request: EndpointCreateRequest
    )
        async throws(CNMError) -> EndpointInfo
    {
        try await performAsync("connect sandbox \(sandboxReference) to network \(networkReference)") {
            return try await withLockedSandbox(sandboxReference) { sandbox in
                let network = try networkLookup.find(networkReference, in: networks)
                return info(of: try await connectSandbox(sandbox, to: network, request))
            }
        }
    }

    public func disconnect(
        network networkReference: String, sandbox sandboxReference: String, force: Bool = false
    )
        async throws(CNMError)
    {
        try await performAsync("disconnect sandbox \(sandboxReference) from network \(networkReference)") {
            try await withLockedSandbox(sandboxReference) { sandbox in
                let network = try networkLookup.find(networkReference, in: networks)
                try await disconnectSandbox(sandbox, from: network, force: force)
            }
        }
    }

    private func disconnectSandbox(_ sandbox: SandboxRecord, from network: NetworkRecord, force: Bool)
        async throws
    {
        guard
            let endpoint = sandbox.endpointIDs.lazy.compactMap({ self.endpoints[$0] }).first(where: {
                $0.networkID == network.id
            })
        else {
            throw CNMError(
                .notFound, "sandbox \(sandbox.name) is not connected to network \(network.name)")
        }
        if network.driver == "host" && sandbox.mode == .host && !force {
            throw CNMError(
                .failedPrecondition,
                "cannot disconnect sandbox \(sandbox.name) from the host network: it was created in host network mode"
            )
        }
        try await leaveEndpoint(endpoint, from: sandbox, deleting: true)
        emit(
            "network", "disconnect", id: network.id, name: network.name,
            ["sandbox": sandbox.name, "endpoint": endpoint.id])
    }

    // MARK: - Building blocks

    /// Creates an endpoint for the sandbox and joins it. The caller holds the sandbox's lock.
    func connectSandbox(_ sandbox: SandboxRecord, to network: NetworkRecord, _ request: EndpointCreateRequest)
        async throws
        -> EndpointRecord
    {
        if isConnected(sandbox, to: network) {
            throw CNMError(
                .alreadyExists, "sandbox \(sandbox.name) is already connected to network \(network.name)")
        }
        try checkCanJoin(sandbox, network)
        let endpoint = try buildEndpoint(network: network, request, defaultName: sandbox.name)
        endpoints[endpoint.id] = endpoint
        do {
            let joined = try await joinEndpoint(endpoint, to: sandbox, interfaceName: "", storeNew: true)
            emit(
                "network", "connect", id: network.id, name: network.name,
                ["sandbox": sandbox.name, "endpoint": joined.id])
            return joined
        } catch {
            endpoints[endpoint.id] = nil
            addresses.releaseEndpoint(endpoint)
            throw error
        }
    }

    func checkCanJoin(_ sandbox: SandboxRecord, _ network: NetworkRecord) throws {
        switch sandbox.mode {
        case .host:
            throw CNMError(
                .failedPrecondition,
                "sandbox \(sandbox.name) shares the host's network namespace and cannot be connected to network \(network.name)"
            )
        case .none:
            throw CNMError(
                .failedPrecondition,
                "sandbox \(sandbox.name) was created with network none (loopback only) and cannot be connected to network \(network.name)"
            )
        case .isolated:
            if network.driver == "host" {
                throw CNMError(
                    .failedPrecondition,
                    "cannot connect sandbox \(sandbox.name) to the host network: create the sandbox with network host instead"
                )
            }
            if network.driver == "null" {
                throw CNMError(
                    .failedPrecondition,
                    "cannot connect sandbox \(sandbox.name) to network none: create the sandbox with network none instead"
                )
            }
        }
    }

    /// Validates the request and allocates the endpoint's addresses (nothing stored yet).
    func buildEndpoint(network: NetworkRecord, _ request: EndpointCreateRequest, defaultName: String?) throws
        -> EndpointRecord
    {
        let name = request.name.isEmpty ? (defaultName ?? "") : request.name
        try Identifiers.validateName(name, field: "endpoint name")
        if endpoints.record(named: "\(network.id)/\(name)") != nil {
            throw CNMError(
                .alreadyExists, "endpoint with name \(name) already exists in network \(network.name)")
        }
        for alias in request.aliases { try Identifiers.validateName(alias, field: "alias") }
        let links = try request.links.map(LegacyLink.init(parsing:))
        for binding in request.portBindings { try PortBindings.validate(binding) }
        if !request.aliases.isEmpty && network.isDefaultBridge {
            throw CNMError(
                .invalidArgument, "network-scoped aliases are only supported for user-defined networks")
        }
        if network.driver != "bridge"
            && (!request.ipv4Address.isEmpty || !request.ipv6Address.isEmpty || !request.portBindings.isEmpty)
        {
            throw CNMError(
                .invalidArgument, "addresses and published ports need a bridge network, not \(network.name)")
        }
        if network.isDefaultBridge && (!request.ipv4Address.isEmpty || !request.ipv6Address.isEmpty) {
            throw CNMError(
                .invalidArgument, "user-specified IP address is supported on user-defined networks only")
        }
        if !request.ipv6Address.isEmpty && network.ipv6.isEmpty {
            throw CNMError.invalid(
                "ipv6Address", request.ipv6Address, "network \(network.name) has no IPv6 subnet")
        }
        let mac =
            try request.macAddress.isEmpty
            ? nil : MACAddress.normalize(request.macAddress, field: "macAddress")
        let id = Identifiers.newID()
        var endpoint = EndpointRecord(
            id: id, name: name, networkID: network.id, sandboxID: nil, ipv4: nil, ipv6: nil, macAddress: "",
            aliases: request.aliases, links: links.map(\.description),
            portBindings: request.portBindings.map { binding in
                var normalized = binding
                if normalized.proto.isEmpty { normalized.proto = "tcp" }
                return normalized
            },
            interfaceName: nil, hostInterfaceName: nil, createdAt: Date())
        if network.driver == "bridge" {
            endpoint.ipv4 = try addresses.allocateAddress(
                networkID: network.id, ipv6: false, requested: request.ipv4Address, field: "ipv4Address")
            do {
                if !network.ipv6.isEmpty {
                    endpoint.ipv6 = try addresses.allocateAddress(
                        networkID: network.id, ipv6: true, requested: request.ipv6Address,
                        field: "ipv6Address")
                }
            } catch {
                addresses.releaseEndpoint(endpoint)
                throw error
            }
            endpoint.macAddress = mac ?? MACAddress.generate(ipv4: endpoint.ipv4)
        }
        return endpoint
    }

    /// Joins an endpoint to a sandbox in the kernel and the store. The caller holds the
    /// sandbox's lock.
    ///
    /// The join is first recorded in memory (the endpoint is the sandbox's, its interface name
    /// taken), so that operations running while the kernel works see it as made; the store
    /// is written once the kernel is done, and a failure undoes both.
    func joinEndpoint(
        _ endpoint: EndpointRecord, to sandbox: SandboxRecord, interfaceName: String, storeNew: Bool = false
    )
        async throws -> EndpointRecord
    {
        if let current = endpoint.sandboxID {
            throw CNMError(
                .failedPrecondition,
                "endpoint \(endpoint.name) is already joined to sandbox \(sandboxes[current]?.name ?? current)"
            )
        }
        guard let network = networks[endpoint.networkID] else {
            throw CNMError(
                .internalError, "network \(endpoint.networkID) of endpoint \(endpoint.name) is missing")
        }
        if !storeNew { try checkCanJoin(sandbox, network) }
        if isConnected(sandbox, to: network) {
            throw CNMError(
                .alreadyExists, "sandbox \(sandbox.name) is already connected to network \(network.name)")
        }
        let siblings = sandbox.endpointIDs.compactMap { endpoints[$0] }
        let name =
            interfaceName.isEmpty
            ? nextInterfaceName(taken: siblings.compactMap(\.interfaceName)) : interfaceName
        if !interfaceName.isEmpty {
            try BridgeOptions.validateInterfaceName(interfaceName, field: "interfaceName")
            if siblings.contains(where: { $0.interfaceName == interfaceName }) {
                throw CNMError(
                    .alreadyExists, "interface \(interfaceName) already exists in sandbox \(sandbox.name)")
            }
        }
        let providesRoute =
            !network.isInternal && network.driver == "bridge"
            && !siblings.contains { sibling in
                networks[sibling.networkID].map { $0.driver == "bridge" && !$0.isInternal } ?? false
            }
        var joined = endpoint
        joined.sandboxID = sandbox.id
        joined.interfaceName = network.driver == "bridge" ? name : nil
        var updatedSandbox = sandbox
        updatedSandbox.endpointIDs.append(endpoint.id)

        // Reserve: from here on the join is visible as made.
        endpoints[joined.id] = joined
        sandboxes[sandbox.id] = updatedSandbox
        func undo() {
            endpoints[endpoint.id] = endpoint
            sandboxes[sandbox.id] = sandbox
        }
        do {
            let files = renderSandboxFiles(updatedSandbox)
            let context =
                network.driver == "bridge"
                ? JoinContext(
                    sandbox: try sandboxNamespace(sandbox), interfaceName: name,
                    providesDefaultRoute: providesRoute)
                : nil
            let (attached, logger) = (joined, logger)
            joined.hostInterfaceName = try await onLane(network) { driver in
                let hostName = try context.flatMap {
                    try driver.join(attached, network: network, context: $0)
                }
                Self.write(files, sandboxName: sandbox.name, logger: logger)
                return hostName
            }
        } catch {
            undo()
            throw error
        }
        do {
            try store.write { transaction in
                try transaction.save(joined)
                try transaction.save(updatedSandbox)
            }
        } catch {
            try? driver(for: network).leave(joined, network: network)
            undo()
            refreshSandboxFiles(sandbox)
            throw error
        }
        endpoints[joined.id] = joined
        updateDNS(.joined(joined, updatedSandbox))
        emit(
            "endpoint", "join", id: joined.id, name: joined.name,
            ["sandbox": sandbox.name, "network": network.name])
        return joined
    }

    /// Removes an endpoint's interfaces and its membership of the sandbox. The caller holds
    /// the sandbox's lock. The model keeps the endpoint joined while the kernel works and
    /// changes once the store has the leave.
    /// With `deleting`, the endpoint is deleted in the same transaction (disconnect, forced
    /// delete): a crash can never leave it half-done (left but still recorded).
    @discardableResult
    func leaveEndpoint(_ endpoint: EndpointRecord, from sandbox: SandboxRecord, deleting: Bool = false)
        async throws -> EndpointRecord
    {
        guard let network = networks[endpoint.networkID] else {
            throw CNMError(
                .internalError, "network \(endpoint.networkID) of endpoint \(endpoint.name) is missing")
        }
        var left = endpoint
        left.sandboxID = nil
        left.interfaceName = nil
        left.hostInterfaceName = nil
        var updatedSandbox = sandbox
        updatedSandbox.endpointIDs.removeAll { $0 == endpoint.id }
        let routeMove = defaultRouteMove(sandbox, leaving: endpoint)
        let files = renderSandboxFiles(updatedSandbox)
        let (kernel, logger) = (kernel, logger)
        // Its published ports stay until the leave is committed (`unpublishPorts`): freed
        // earlier, another connect could take one and commit first, and a kill before this
        // commit would leave two stored endpoints holding the same host port.
        var withoutPorts = endpoint
        withoutPorts.portBindings = []
        try await onLane(network) { [withoutPorts] driver in
            try driver.leave(withoutPorts, network: network)
            if let routeMove {
                Self.moveDefaultRoute(routeMove, sandboxName: sandbox.name, kernel: kernel, logger: logger)
            }
            Self.write(files, sandboxName: sandbox.name, logger: logger)
        }
        try store.write { transaction in
            if deleting { try transaction.deleteEndpoint(left.id) } else { try transaction.save(left) }
            try transaction.save(updatedSandbox)
        }
        endpoints[left.id] = deleting ? nil : left
        sandboxes[sandbox.id] = updatedSandbox
        unpublishPorts(of: [endpoint])
        updateDNS(.left(endpoint))
        emit(
            "endpoint", "leave", id: left.id, name: left.name,
            ["sandbox": sandbox.name, "network": network.name])
        if deleting {
            addresses.releaseEndpoint(left)
            emit("endpoint", "delete", id: left.id, name: left.name, ["network": network.name])
        }
        return left
    }

    /// The next network to give the sandbox its default route, when `network` gave it.
    struct DefaultRouteMove: Sendable {
        let endpoint: EndpointRecord
        let network: NetworkRecord
        let sandbox: SandboxNamespace
    }

    /// When the endpoint that gave the sandbox its default route leaves, the next endpoint
    /// joined to a routed network gives it (the first such endpoint is the one that has it).
    private func defaultRouteMove(_ sandbox: SandboxRecord, leaving endpoint: EndpointRecord)
        -> DefaultRouteMove?
    {
        guard sandbox.mode == .isolated else { return nil }
        let providers = sandbox.endpointIDs.compactMap { endpoints[$0] }.filter { member in
            networks[member.networkID].map { $0.driver == "bridge" && !$0.isInternal } ?? false
        }
        guard providers.count > 1, providers[0].id == endpoint.id,
            let nextNetwork = networks[providers[1].networkID],
            let namespace = try? sandboxNamespace(sandbox)
        else { return nil }
        return DefaultRouteMove(endpoint: providers[1], network: nextNetwork, sandbox: namespace)
    }

    private static func moveDefaultRoute(
        _ move: DefaultRouteMove, sandboxName: String, kernel: HostKernel, logger: Logger
    ) {
        do {
            try driver(for: move.network, kernel: kernel, logger: logger, socket: nil).addDefaultRoute(
                move.endpoint, network: move.network, sandbox: move.sandbox)
        } catch {
            logger.warning(
                "could not move the default route",
                metadata: ["sandbox": "\(sandboxName)", "error": "\(error)"])
        }
    }

    /// Withdraws the published ports of endpoints whose leave is committed. A failure is
    /// logged: the store no longer has the ports, so reconciliation removes them as stale.
    func unpublishPorts(of members: [EndpointRecord]) {
        let published = members.flatMap(BridgeDriver.firewallBindings)
        guard !published.isEmpty else { return }
        do {
            try kernel.withFirewall { try $0.removePortBindings(published) }
        } catch {
            logger.error("could not withdraw published ports", metadata: ["error": "\(error)"])
        }
    }

    /// Writes a sandbox's files; a failure is logged (the join or leave itself stands).
    static func write(_ files: RenderedSandboxFiles, sandboxName: String, logger: Logger) {
        do {
            try files.write()
        } catch {
            logger.warning(
                "could not write sandbox files", metadata: ["sandbox": "\(sandboxName)", "error": "\(error)"])
        }
    }

    /// Deletes an endpoint that is not joined: store, addresses, event.
    func dropEndpoint(_ endpoint: EndpointRecord) throws {
        try store.deleteEndpoint(endpoint.id)
        endpoints[endpoint.id] = nil
        addresses.releaseEndpoint(endpoint)
        emit(
            "endpoint", "delete", id: endpoint.id, name: endpoint.name,
            ["network": networks[endpoint.networkID]?.name ?? ""])
    }

    /// Whether one of the sandbox's endpoints is on the network (the sandbox's list is short).
    func isConnected(_ sandbox: SandboxRecord, to network: NetworkRecord) -> Bool {
        sandbox.endpointIDs.contains { endpoints[$0]?.networkID == network.id }
    }

    func nextInterfaceName(taken: [String]) -> String {
        let used = Set(taken)
        var index = 0
        while used.contains("eth\(index)") { index += 1 }
        return "eth\(index)"
    }

    func info(of endpoint: EndpointRecord) -> EndpointInfo {
        let network = networks[endpoint.networkID]
        return EndpointInfo(
            id: endpoint.id, name: endpoint.name, networkID: endpoint.networkID,
            networkName: network?.name ?? "",
            sandboxID: endpoint.sandboxID ?? "",
            sandboxName: endpoint.sandboxID.flatMap { sandboxes[$0]?.name } ?? "",
            ipv4Address: cidr(endpoint.ipv4, in: network?.ipv4 ?? []),
            ipv6Address: cidr(endpoint.ipv6, in: network?.ipv6 ?? []), macAddress: endpoint.macAddress,
            gateway: endpoint.ipv4 == nil ? "" : network?.ipv4.first?.gateway ?? "",
            gatewayIPv6: endpoint.ipv6 == nil ? "" : network?.ipv6.first?.gateway ?? "",
            aliases: endpoint.aliases, links: endpoint.links, interfaceName: endpoint.interfaceName ?? "",
            hostInterfaceName: endpoint.hostInterfaceName ?? "", portBindings: endpoint.portBindings)
    }
}
