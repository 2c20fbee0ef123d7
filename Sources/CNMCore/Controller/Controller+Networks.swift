import Foundation
import Logging
import Netlink

/// Network operations: create, inspect, list, delete, prune.
extension Controller {
    static let predefinedNames: Set<String> = ["bridge", "host", "none", "default"]
    static let knownDrivers: Set<String> = ["bridge", "host", "null", "macvlan", "ipvlan", "overlay"]

    public func createNetwork(_ request: NetworkCreateRequest) async throws(CNMError) -> NetworkInfo {
        let created = try perform("create network \(request.name)") {
            let network = try buildNetwork(request)
            return try commitNewNetwork(network)
        }
        try await listenForDNS()
        return created
    }

    /// Brings the DNS listeners in line after networks came or went.
    func listenForDNS() async throws(CNMError) {
        do {
            try await syncDNSListeners()
        } catch {
            throw CNMError.wrapping(error, operation: "embedded DNS")
        }
    }

    public func network(_ reference: String) throws(CNMError) -> NetworkInfo {
        try perform("inspect network") { try info(of: networkLookup.find(reference, in: networks)) }
    }

    public func listNetworks(filters: ListFilters = [:]) throws(CNMError) -> [NetworkInfo] {
        try perform("list networks") {
            let filter = try NetworkFilter(filters)
            return networks.values.filter(filter.matches).sorted { $0.name < $1.name }.map(info(of:))
        }
    }

    public func deleteNetwork(_ reference: String) async throws(CNMError) {
        let removed = try perform("delete network \(reference)") {
            let network = try networkLookup.find(reference, in: networks)
            try removeNetwork(network)
            return network
        }
        await removeKernelObjects(of: [removed])
        try await listenForDNS()
    }

    /// Removes every user-defined network without endpoints that matches; returns their names.
    public func pruneNetworks(filters: ListFilters = [:]) async throws(CNMError) -> [String] {
        let removed = try perform("prune networks") {
            let filter = try NetworkFilter(filters)
            let unused = networks.values.filter { network in
                !network.predefined && filter.matches(network)
                    && !endpoints.hasRecords(inGroup: network.id)
            }
            var removed: [NetworkRecord] = []
            for network in unused.sorted(by: { $0.name < $1.name }) {
                try removeNetwork(network)
                removed.append(network)
            }
            return removed
        }
        await removeKernelObjects(of: removed)
        try await listenForDNS()
        return removed.map(\.name)
    }

    // MARK: - Building blocks

    func buildNetwork(_ request: NetworkCreateRequest) throws -> NetworkRecord {
        let name = request.name.trimmingCharacters(in: .whitespaces)
        try Identifiers.validateName(name)
        if Self.predefinedNames.contains(name) {
            throw CNMError(.permissionDenied, "operation is not permitted on predefined \(name) network")
        }
        if networks.record(named: name) != nil {
            throw CNMError(.alreadyExists, "network with name \(name) already exists")
        }
        let driver = request.driver.isEmpty ? "bridge" : request.driver
        guard Self.knownDrivers.contains(driver) else {
            throw CNMError.invalid(
                "driver", driver,
                "unknown network driver (known: bridge, host, null, macvlan, ipvlan, overlay)")
        }
        switch driver {
        case "bridge": break
        case "host", "null":
            throw CNMError(
                .failedPrecondition,
                "only one instance of \"\(driver)\" network is allowed (the predefined one)")
        default:
            throw CNMError(.unimplemented, "driver \(driver) is not available in this version of cnmd")
        }
        let options = try BridgeOptions(request.options, networkName: name)
        let id = Identifiers.newID()
        let bridgeName = options.bridgeName ?? "br-" + id.prefix(12)
        if let owner = networks.values.first(where: { $0.bridgeName == bridgeName }) {
            throw CNMError(.alreadyExists, "bridge \(bridgeName) is already used by network \(owner.name)")
        }
        var network = NetworkRecord(
            id: id, name: name, driver: driver, scope: "local", ipv4: [], ipv6: [],
            isInternal: request.isInternal,
            enableIPv6: request.enableIPv6, labels: request.labels, options: request.options,
            predefined: false,
            isDefaultBridge: false, createdAt: Date(), bridgeName: bridgeName, mtu: options.mtu)
        let v4Requests = try request.ipam.filter { try !AddressManager.isIPv6Request($0) }
        let v6Requests = try request.ipam.filter { try AddressManager.isIPv6Request($0) }
        if !v6Requests.isEmpty && !request.enableIPv6 {
            network.enableIPv6 = true
        }
        let avoid =
            try kernel.hostRoutePrefixes(
                excluding: Set(networks.values.flatMap { ($0.ipv4 + $0.ipv6).map(\.subnet) }),
                ipv6: network.enableIPv6)
            + HostResolvConf.nameserverPrefixes(path: configuration.hostResolvConf)
        network.ipv4 = try addresses.allocateSubnets(
            networkID: id, networkName: name,
            requests: v4Requests.isEmpty ? [IPAMConfigRequest()] : v4Requests, ipv6: false,
            avoiding: avoid)
        do {
            if network.enableIPv6 {
                network.ipv6 = try addresses.allocateSubnets(
                    networkID: id, networkName: name,
                    requests: v6Requests.isEmpty ? [IPAMConfigRequest()] : v6Requests, ipv6: true,
                    avoiding: avoid)
            }
        } catch {
            addresses.releaseNetwork(id)
            throw error
        }
        return network
    }

    /// Creates the kernel side of a new network, stores it, and reports it.
    func commitNewNetwork(_ network: NetworkRecord) throws -> NetworkInfo {
        do {
            try driver(for: network).createNetwork(network)
        } catch {
            addresses.releaseNetwork(network.id)
            throw error
        }
        do {
            try store.save(network)
        } catch {
            try? driver(for: network).deleteNetwork(network)
            addresses.releaseNetwork(network.id)
            throw error
        }
        networks[network.id] = network
        updateDNS(.networkAdded(network))
        emit("network", "create", id: network.id, name: network.name, ["driver": network.driver])
        return info(of: network)
    }

    func removeNetwork(_ network: NetworkRecord) throws {
        if network.predefined {
            throw CNMError(
                .permissionDenied, "\(network.name) is a pre-defined network and cannot be removed")
        }
        let attached = endpoints.records(inGroup: network.id).sorted { $0.name < $1.name }
        if !attached.isEmpty {
            let list = attached.map { "name:\"\($0.name)\" id:\"\($0.id.prefix(12))\"" }.joined(
                separator: ", ")
            throw CNMError(.failedPrecondition, "network \(network.name) has active endpoints (\(list))")
        }
        try store.deleteNetwork(network.id)
        networks[network.id] = nil
        addresses.releaseNetwork(network.id)
        updateDNS(.networkRemoved(network))
        emit("network", "delete", id: network.id, name: network.name, ["driver": network.driver])
    }

    /// Deletes removed networks' bridges and firewall entries off the actor (a bridge delete
    /// waits tens of milliseconds on the kernel): one on its own lane, several (prune) with
    /// one bulk request. The networks are already gone from the store and the model; a
    /// failure is logged and left to reconciliation, which removes bridges marked as cnmd's
    /// that no stored network owns.
    func removeKernelObjects(of removed: [NetworkRecord]) async {
        let bridges = removed.filter { $0.driver == "bridge" }
        guard !bridges.isEmpty else { return }
        let (kernel, logger) = (kernel, logger)
        do {
            if bridges.count == 1 {
                try await onLane(bridges[0]) { try $0.deleteNetwork(bridges[0]) }
            } else {
                try await lanes.run("prune") {
                    try kernel.withSpareSocket { socket in
                        try BridgeDriver(kernel: kernel, logger: logger, socket: socket).deleteNetworks(
                            bridges)
                    }
                }
            }
        } catch {
            logger.warning(
                "kernel clean-up of deleted networks failed; reconciliation retries it",
                metadata: ["networks": "\(bridges.map(\.name))", "error": "\(error)"])
        }
        for network in bridges { lanes.remove(network.id) }
    }

    func info(of network: NetworkRecord) -> NetworkInfo {
        let members = endpoints.records(inGroup: network.id).sorted { $0.name < $1.name }
        return NetworkInfo(
            id: network.id, name: network.name, driver: network.driver, scope: network.scope,
            ipamDriver: "default",
            ipam: (network.ipv4 + network.ipv6).map {
                IPAMConfigInfo(
                    subnet: $0.subnet, ipRange: $0.ipRange ?? "", gateway: $0.gateway,
                    auxAddresses: $0.auxAddresses)
            },
            isInternal: network.isInternal, enableIPv6: network.enableIPv6, labels: network.labels,
            options: network.options, predefined: network.predefined, createdAt: network.createdAt,
            endpoints: members.map { endpoint in
                let sandbox = endpoint.sandboxID.flatMap { sandboxes[$0] }
                return EndpointSummary(
                    id: endpoint.id, name: endpoint.name, sandboxID: sandbox?.id ?? "",
                    sandboxName: sandbox?.name ?? "",
                    ipv4Address: cidr(endpoint.ipv4, in: network.ipv4),
                    ipv6Address: cidr(endpoint.ipv6, in: network.ipv6),
                    macAddress: endpoint.macAddress)
            })
    }

    /// `address/prefix` using the prefix of the subnet that holds the address ("" for none).
    func cidr(_ address: String?, in subnets: [SubnetRecord]) -> String {
        guard let address else { return "" }
        return AddressManager.cidr(address, in: subnets.map(\.subnet))
    }

    func driver(for network: NetworkRecord) -> any NetworkDriver {
        Self.driver(for: network, kernel: kernel, logger: logger, socket: nil)
    }

    static func driver(for network: NetworkRecord, kernel: HostKernel, logger: Logger, socket: NetlinkSocket?)
        -> any NetworkDriver
    {
        switch network.driver {
        case "bridge": return BridgeDriver(kernel: kernel, logger: logger, socket: socket)
        default: return PassiveDriver(kind: network.driver)
        }
    }

    // MARK: - Predefined networks

    func ensurePredefinedNetworks() throws {
        if !networks.values.contains(where: { $0.name == "none" }) {
            try insertPredefined(name: "none", driver: "null")
        }
        if !networks.values.contains(where: { $0.name == "host" }) {
            try insertPredefined(name: "host", driver: "host")
        }
        if !networks.values.contains(where: { $0.isDefaultBridge }) {
            let id = Identifiers.newID()
            let avoid = try kernel.hostRoutePrefixes(excluding: [])
            let subnet = try addresses.allocateDefaultBridgeSubnet(
                networkID: id, requested: configuration.defaultBridgeSubnet, avoiding: avoid)
            let network = NetworkRecord(
                id: id, name: "bridge", driver: "bridge", scope: "local", ipv4: [subnet], ipv6: [],
                isInternal: false,
                enableIPv6: false, labels: [:],
                options: [
                    "com.docker.network.bridge.default_bridge": "true",
                    "com.docker.network.bridge.name": configuration.defaultBridgeName,
                ], predefined: true, isDefaultBridge: true, createdAt: Date(),
                bridgeName: configuration.defaultBridgeName, mtu: nil)
            _ = try commitNewNetwork(network)
        }
    }

    private func insertPredefined(name: String, driver: String) throws {
        let network = NetworkRecord(
            id: Identifiers.newID(), name: name, driver: driver, scope: "local", ipv4: [], ipv6: [],
            isInternal: false,
            enableIPv6: false, labels: [:], options: [:], predefined: true, isDefaultBridge: false,
            createdAt: Date(),
            bridgeName: nil, mtu: nil)
        try store.save(network)
        networks[network.id] = network
    }
}

/// The `filters` of ListNetworks / PruneNetworks: name (substring), id (prefix), driver,
/// label (`key` or `key=value`), scope, type (`builtin` / `custom`).
struct NetworkFilter {
    private let filters: ListFilters
    static let keys: Set<String> = ["name", "id", "driver", "label", "scope", "type"]

    init(_ filters: ListFilters) throws {
        for key in filters.keys where !Self.keys.contains(key) {
            throw CNMError.invalid(
                "filters", key, "unknown filter (known: driver, id, label, name, scope, type)")
        }
        for value in filters["type"] ?? [] where value != "builtin" && value != "custom" {
            throw CNMError.invalid("filters.type", value, "expected builtin or custom")
        }
        self.filters = filters
    }

    func matches(_ network: NetworkRecord) -> Bool {
        func any(_ key: String, _ test: (String) -> Bool) -> Bool {
            guard let values = filters[key], !values.isEmpty else { return true }
            return values.contains(where: test)
        }
        return any("name") { network.name.contains($0) }
            && any("id") { network.id.hasPrefix($0.lowercased()) }
            && any("driver") { network.driver == $0 }
            && any("scope") { network.scope == $0 }
            && any("type") { ($0 == "builtin") == network.predefined }
            && any("label") { label in
                let parts = label.split(separator: "=", maxSplits: 1).map(String.init)
                guard let value = network.labels[parts[0]] else { return false }
                return parts.count == 1 || parts[1] == value
            }
    }
}
