import Foundation
import Netlink

/// Sandbox operations: create, inspect, list, delete.
extension Controller {
    public func createSandbox(_ request: SandboxCreateRequest) async throws(CNMError) -> SandboxInfo {
        try await performAsync("create sandbox \(request.name)") {
            try Identifiers.validateName(request.name)
            if sandboxes.record(named: request.name) != nil {
                throw CNMError(.alreadyExists, "sandbox with name \(request.name) already exists")
            }
            if !request.hostname.isEmpty { try Identifiers.validateName(request.hostname, field: "hostname") }
            for server in request.dnsNameservers where !AddressManager.isAddress(server) {
                throw CNMError.invalid("dns.nameservers", server, "not an IP address")
            }
            let extraHosts = try request.extraHosts.map(ExtraHost.init(parsing:))
            let target = try resolveSandboxNetwork(request.network)
            if target.mode != .isolated && !request.netnsPath.isEmpty {
                throw CNMError.invalid(
                    "netnsPath", request.netnsPath, "cannot be combined with network \(request.network)")
            }

            let id = Identifiers.newID()
            var sandbox = SandboxRecord(
                id: id, name: request.name,
                hostname: request.hostname.isEmpty ? request.name : request.hostname,
                netnsPath: "", external: !request.netnsPath.isEmpty, mode: target.mode, endpointIDs: [],
                dnsNameservers: request.dnsNameservers, dnsSearch: request.dnsSearch,
                dnsOptions: request.dnsOptions,
                extraHosts: extraHosts.map(\.description), resolvConfPath: "", hostsPath: "",
                createdAt: Date())
            try assignPaths(&sandbox, netnsPath: request.netnsPath)
            // Journaled before any kernel object exists: after a crash from here on,
            // reconciliation finds the record and checks its namespace.
            try store.save(sandbox)
            do {
                try openNamespace(for: sandbox)
            } catch {
                try? store.deleteSandbox(sandbox.id)
                throw error
            }
            // A new ID: the lock is free, and held until the first network is joined.
            return try await withSandboxLock(id) {
                sandboxes[id] = sandbox
                refreshSandboxFiles(sandbox)
                emit("sandbox", "create", id: id, name: sandbox.name)
                if let network = target.network {
                    do {
                        if target.mode == .isolated {
                            _ = try await connectSandbox(sandbox, to: network, EndpointCreateRequest())
                        } else {
                            try recordPassiveMembership(sandbox, network)
                        }
                    } catch {
                        try? await destroySandbox(sandboxes[id] ?? sandbox)
                        throw error
                    }
                }
                return info(of: sandboxes[id] ?? sandbox)
            }
        }
    }

    public func sandbox(_ reference: String) throws(CNMError) -> SandboxInfo {
        try perform("inspect sandbox") { info(of: try sandboxLookup.find(reference, in: sandboxes)) }
    }

    /// Sandboxes, optionally filtered by `name` (substring), `id` (prefix) or `network` (reference).
    public func listSandboxes(filters: ListFilters = [:]) throws(CNMError) -> [SandboxInfo] {
        try perform("list sandboxes") {
            for key in filters.keys where !["name", "id", "network"].contains(key) {
                throw CNMError.invalid("filters", key, "unknown filter (known: id, name, network)")
            }
            let networkIDs = try (filters["network"] ?? []).map {
                try networkLookup.find($0, in: networks).id
            }
            return sandboxes.values.filter { sandbox in
                let names = filters["name"] ?? []
                let ids = filters["id"] ?? []
                return (names.isEmpty || names.contains { sandbox.name.contains($0) })
                    && (ids.isEmpty || ids.contains { sandbox.id.hasPrefix($0.lowercased()) })
                    && (networkIDs.isEmpty
                        || sandbox.endpointIDs.contains {
                            networkIDs.contains(endpoints[$0]?.networkID ?? "")
                        })
            }.sorted { $0.name < $1.name }.map(info(of:))
        }
    }

    /// Deletes a sandbox. With endpoints it needs `force`, and then leaves and deletes them all.
    public func deleteSandbox(_ reference: String, force: Bool = false) async throws(CNMError) {
        try await performAsync("delete sandbox \(reference)") {
            try await withLockedSandbox(reference) { sandbox in try await deleteSandbox(sandbox, force: force)
            }
        }
    }

    private func deleteSandbox(_ sandbox: SandboxRecord, force: Bool) async throws {
        let joined = sandbox.endpointIDs.compactMap { endpoints[$0] }.filter { endpoint in
            networks[endpoint.networkID]?.driver == "bridge"
        }
        if !joined.isEmpty && !force {
            let list = joined.map {
                "name:\"\($0.name)\" network:\"\(networks[$0.networkID]?.name ?? "")\""
            }
            throw CNMError(
                .failedPrecondition,
                "sandbox \(sandbox.name) has active endpoints (\(list.joined(separator: ", "))); disconnect them or use force"
            )
        }
        try await destroySandbox(sandbox)
    }

    // MARK: - Building blocks

    /// Where CreateSandbox's `network` points: the sandbox's mode and the network to join at once.
    private func resolveSandboxNetwork(_ reference: String) throws -> (
        mode: SandboxMode, network: NetworkRecord?
    ) {
        if reference.isEmpty { return (.isolated, nil) }
        let network = try networkLookup.find(reference, in: networks)
        switch network.driver {
        case "host": return (.host, network)
        case "null": return (.none, network)
        default: return (.isolated, network)
        }
    }

    /// Creates (or opens) the sandbox's namespace and fills in its paths.
    /// Fills in the sandbox's namespace and file paths (nothing is created yet).
    private func assignPaths(_ sandbox: inout SandboxRecord, netnsPath: String) throws {
        let directory: String
        switch sandbox.mode {
        case .host:
            sandbox.netnsPath = kernel.namespace.path
            directory = "\(configuration.stateDirectory)/sandboxes/\(sandbox.id)"
        case .isolated where !netnsPath.isEmpty, .none where !netnsPath.isEmpty:
            sandbox.netnsPath = netnsPath
            directory = "\(configuration.stateDirectory)/sandboxes/\(sandbox.id)"
        case .isolated, .none:
            let path = "\(NetworkNamespace.runDirectory)/\(sandbox.name)"
            if FileManager.default.fileExists(atPath: path) {
                throw CNMError(
                    .alreadyExists, "network namespace \(path) already exists and was not made by cnmd")
            }
            sandbox.netnsPath = path
            directory = "\(configuration.netnsEtcDirectory)/\(sandbox.name)"
        }
        sandbox.resolvConfPath = "\(directory)/resolv.conf"
        sandbox.hostsPath = "\(directory)/hosts"
    }

    /// Creates the sandbox's named namespace, or opens the one handed in, with lo up.
    private func openNamespace(for sandbox: SandboxRecord) throws {
        switch sandbox.mode {
        case .host:
            return
        case .isolated where sandbox.external, .none where sandbox.external:
            let namespace: NetworkNamespace
            do {
                namespace = try NetworkNamespace.open(path: sandbox.netnsPath)
            } catch {
                throw CNMError.invalid("netnsPath", sandbox.netnsPath, "not a network namespace: \(error)")
            }
            let handle = try SandboxNamespace(namespace)
            try handle.bringLoopbackUp()
            namespaces[sandbox.id] = handle
        case .isolated, .none:
            let namespace = try NetworkNamespace.create(name: sandbox.name)
            do {
                let handle = try SandboxNamespace(namespace)
                try handle.bringLoopbackUp()
                namespaces[sandbox.id] = handle
            } catch {
                try? NetworkNamespace.delete(name: sandbox.name)
                throw error
            }
        }
    }

    /// The open namespace of a sandbox (opened again after a restart).
    func sandboxNamespace(_ sandbox: SandboxRecord) throws -> SandboxNamespace {
        if let open = namespaces[sandbox.id] { return open }
        let handle = try SandboxNamespace(NetworkNamespace.open(path: sandbox.netnsPath))
        namespaces[sandbox.id] = handle
        return handle
    }

    /// Host and none sandboxes are members of their predefined network without kernel work.
    private func recordPassiveMembership(_ sandbox: SandboxRecord, _ network: NetworkRecord) throws {
        var endpoint = try buildEndpoint(network: network, EndpointCreateRequest(), defaultName: sandbox.name)
        endpoint.sandboxID = sandbox.id
        var updated = sandbox
        updated.endpointIDs.append(endpoint.id)
        try store.write { transaction in
            try transaction.save(endpoint)
            try transaction.save(updated)
        }
        endpoints[endpoint.id] = endpoint
        sandboxes[sandbox.id] = updated
        emit(
            "network", "connect", id: network.id, name: network.name,
            ["sandbox": sandbox.name, "endpoint": endpoint.id])
    }

    /// Leaves and deletes every endpoint, removes the namespace (if cnmd made it) and the record.
    /// The caller holds the sandbox's lock; the kernel work runs off the actor.
    ///
    /// A named sandbox's namespace is deleted first: the kernel then removes all its
    /// veth pairs at once, which is far cheaper than deleting them one by one
    /// (libnl.md); the call still returns only once the host sides are gone.
    func destroySandbox(_ sandbox: SandboxRecord) async throws {
        let members = sandbox.endpointIDs.compactMap { endpoints[$0] }
        let ownsNamespace = sandbox.mode != .host && !sandbox.external
        if ownsNamespace {
            // The veths go with the namespace (their published ports once the store has the
            // delete, as for a leave).
            let hostNames = members.compactMap(\.hostInterfaceName)
            let (kernel, name, lane) = (kernel, sandbox.name, "sandbox:\(sandbox.id)")
            namespaces[sandbox.id] = nil
            defer { lanes.remove(lane) }
            try await lanes.run(lane) {
                try NetworkNamespace.delete(name: name)
                try kernel.withSpareSocket { try Self.waitUntilGone(hostNames, socket: $0) }
            }
        } else {
            // Not cnmd's namespace: its veths go in one bulk delete instead.
            let bridged = members.filter { networks[$0.networkID]?.driver == "bridge" }.map { member in
                var withoutPorts = member
                withoutPorts.portBindings = []
                return withoutPorts
            }
            let (kernel, logger, lane) = (kernel, logger, "sandbox:\(sandbox.id)")
            defer { lanes.remove(lane) }
            if !bridged.isEmpty {
                try await lanes.run(lane) {
                    try kernel.withSpareSocket { socket in
                        try BridgeDriver(kernel: kernel, logger: logger, socket: socket).leaveAll(bridged)
                    }
                }
            }
            namespaces[sandbox.id] = nil
        }
        try store.write { transaction in
            for member in members { try transaction.deleteEndpoint(member.id) }
            try transaction.deleteSandbox(sandbox.id)
        }
        unpublishPorts(of: members)
        for member in members {
            endpoints[member.id] = nil
            addresses.releaseEndpoint(member)
            updateDNS(.left(member))
            let networkName = networks[member.networkID]?.name ?? ""
            emit(
                "endpoint", "leave", id: member.id, name: member.name,
                ["sandbox": sandbox.name, "network": networkName])
            emit("endpoint", "delete", id: member.id, name: member.name, ["network": networkName])
        }
        sandboxes[sandbox.id] = nil
        SandboxFiles.remove(sandbox)
        emit("sandbox", "delete", id: sandbox.id, name: sandbox.name)
    }

    /// Waits (bounded) until the kernel has removed the given host-side interfaces.
    private static func waitUntilGone(_ names: [String], socket: NetlinkSocket) throws {
        var remaining = names
        let deadline = Date().addingTimeInterval(5)
        while !remaining.isEmpty {
            remaining = try remaining.filter { try socket.link(named: $0) != nil }
            if remaining.isEmpty { break }
            if Date() > deadline {
                for name in remaining { try? socket.deleteLink(name: name) }
                break
            }
            usleep(1000)
        }
    }

    /// A sandbox's hosts file and resolv.conf as its memberships make them now.
    func renderSandboxFiles(_ sandbox: SandboxRecord) -> RenderedSandboxFiles {
        let members = sandbox.endpointIDs.compactMap { endpoints[$0] }.compactMap { endpoint in
            networks[endpoint.networkID].map { (endpoint, $0) }
        }
        return SandboxFiles(
            sandbox: sandbox, members: members, hasDNS: hasDNS,
            peers: { [endpoints, sandboxes] network in
                endpoints.records(inGroup: network.id).compactMap { endpoint in
                    endpoint.sandboxID.flatMap { sandboxes[$0] }.map { (endpoint, $0) }
                }
            },
            hostNameservers: configuration.dnsUpstream == .none
                ? [] : HostResolvConf.nameservers(path: configuration.hostResolvConf)
        ).rendered
    }

    /// Writes a sandbox's files now, on the actor (creation, reconciliation, undo).
    func refreshSandboxFiles(_ sandbox: SandboxRecord) {
        Self.write(renderSandboxFiles(sandbox), sandboxName: sandbox.name, logger: logger)
    }

    func info(of sandbox: SandboxRecord) -> SandboxInfo {
        SandboxInfo(
            id: sandbox.id, name: sandbox.name, hostname: sandbox.hostname, netnsPath: sandbox.netnsPath,
            external: sandbox.external, endpoints: sandbox.endpointIDs,
            resolvConfPath: sandbox.resolvConfPath,
            hostsPath: sandbox.hostsPath, createdAt: sandbox.createdAt)
    }
}

/// An extra hosts line `name:ip` of CreateSandbox.
struct ExtraHost: CustomStringConvertible {
    var name: String
    var address: String

    init(parsing text: String) throws(CNMError) {
        guard let colon = text.firstIndex(of: ":") else {
            throw CNMError.invalid("extraHosts", text, "expected NAME:IP")
        }
        name = String(text[..<colon])
        address = String(text[text.index(after: colon)...])
        guard !name.isEmpty, AddressManager.isAddress(address) else {
            throw CNMError.invalid("extraHosts", text, "expected NAME:IP")
        }
    }

    var description: String { "\(name):\(address)" }
}
