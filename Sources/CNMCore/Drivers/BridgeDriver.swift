import Firewall
import Logging
import Netlink

/// The bridge driver: one Linux bridge per network holding the gateway address;
/// an endpoint is a veth pair whose peer is born inside the sandbox's namespace
/// (one netlink request: no namespace move), enslaved to the bridge and up.
struct BridgeDriver: NetworkDriver {
    /// Interface group of every host-side veth cnmd creates, so bulk clean-up can
    /// delete them in one request ("cn" in ASCII; never 0, the default group).
    static let vethGroup: UInt32 = 0x636E

    /// Interface group of every bridge cnmd creates ("co"), set by the create request itself:
    /// the alias needs a second request, and a bridge in this group without it is one whose
    /// creator died in between (reconciliation marks or removes it).
    static let bridgeGroup: UInt32 = 0x636F

    let kernel: HostKernel
    let logger: Logger
    /// The netlink socket of cnmd's namespace for endpoint work: the kernel's own, or one
    /// borrowed for a lane (`HostKernel.withSpareSocket`).
    let socket: NetlinkSocket

    init(kernel: HostKernel, logger: Logger, socket: NetlinkSocket? = nil) {
        self.kernel = kernel
        self.logger = logger
        self.socket = socket ?? kernel.socket
    }

    /// Interface group that links are moved into right before one bulk delete removes them
    /// all ("cm"; see `deleteNetworks` and `leaveAll`).
    static let doomedGroup: UInt32 = 0x636D

    /// The ifalias that marks a kernel object as cnmd's, naming its owner.
    static func mark(_ id: String) -> String { "cnm:\(id)" }

    /// The bridge's own MAC address, derived from the network ID (locally administered,
    /// unicast: `0a:` and the ID's first five bytes).
    ///
    /// A bridge whose address was never set takes the lowest MAC of its ports, so it changed
    /// whenever a veth joined or left, and every sandbox's ARP entry for the gateway went stale
    /// (pings to the gateway failed until it was resolved again). A set address never moves.
    static func bridgeMAC(_ networkID: String) -> String {
        let hex = Array(networkID.lowercased().filter(\.isHexDigit).prefix(10))
        let padded = hex + Array(repeating: Character("0"), count: 10 - hex.count)
        let bytes = stride(from: 0, to: 10, by: 2).map { String(padded[$0..<$0 + 2]) }
        return (["0a"] + bytes).joined(separator: ":")
    }

    func createNetwork(_ network: NetworkRecord) throws {
        try createNetwork(network, addressesByIndex: nil)
    }

    /// Creates (or, for reconciliation, repairs) a network's bridge. `addressesByIndex` is one
    /// dump of the namespace's addresses by interface, shared by every network a reconciliation
    /// repairs; without it an existing bridge's addresses are listed on their own. A bridge just
    /// created has none, so nothing is listed: listing dumps every address of the namespace,
    /// which at thousands of endpoints dominated network create and restart.
    func createNetwork(_ network: NetworkRecord, addressesByIndex: [Int32: Set<String>]?) throws {
        guard let bridgeName = network.bridgeName else { return }
        let socket = kernel.socket
        let mac = Self.bridgeMAC(network.id)
        if let existing = try socket.link(named: bridgeName) {
            if existing.alias != Self.mark(network.id) {
                guard existing.alias == nil, existing.kind == "bridge", existing.group == Self.bridgeGroup
                else {
                    throw CNMError(
                        .alreadyExists,
                        "cannot create network \(network.name): an interface named \(bridgeName) already exists"
                    )
                }
                // cnmd made it and died before marking it (reconciliation recreating the bridge).
                try socket.setAlias(Self.mark(network.id), index: existing.index)
                logger.notice("marked bridge \(bridgeName) of network \(network.name)")
            }
            // Bridges made before their address was pinned still follow their ports.
            if existing.mac != mac { try socket.setMAC(mac, index: existing.index) }
            let present =
                try addressesByIndex?[existing.index]
                ?? Set(socket.addresses(index: existing.index).map(\.cidr))
            try ensureGatewayAddresses(network, bridge: existing, present: present)
        } else {
            let bridge = try socket.createBridge(
                name: bridgeName, mtu: network.mtu.map(UInt32.init), mac: mac, alias: Self.mark(network.id),
                up: true, group: Self.bridgeGroup)
            // As Docker does: a network without IPv6 gets none on its bridge either (no
            // link-local address and routes in cnmd's IPv6 table, which link deletes walk).
            if network.ipv6.isEmpty { try kernel.disableIPv6(interface: bridgeName) }
            try ensureGatewayAddresses(network, bridge: bridge, present: [])
        }
        try applyFirewall(network, bridgeName: bridgeName)
    }

    /// Puts the network into cnmd's nftables sets (isolation, ICC, masquerade).
    func applyFirewall(_ network: NetworkRecord, bridgeName: String) throws {
        let options = try BridgeOptions(network.options, networkName: network.name)
        try kernel.withFirewall { firewall in
            try firewall.addNetwork(
                FirewallNetwork(
                    bridge: bridgeName, subnets: (network.ipv4 + network.ipv6).map(\.subnet),
                    isInternal: network.isInternal,
                    icc: options.interContainerCommunication, masquerade: options.masquerade))
        }
    }

    /// The endpoint's published ports as the firewall takes them.
    static func firewallBindings(_ endpoint: EndpointRecord) -> [PortBinding] {
        endpoint.portBindings.compactMap { binding in
            let wantsIPv6 = binding.hostIP.contains(":")
            guard let container = wantsIPv6 ? endpoint.ipv6 : endpoint.ipv4 else { return nil }
            return PortBinding(
                hostIP: binding.hostIP.isEmpty ? nil : binding.hostIP, hostPort: UInt16(binding.hostPort),
                containerIP: container, containerPort: UInt16(binding.containerPort),
                proto: binding.proto == "udp" ? .udp : .tcp)
        }
    }

    /// Puts each subnet's gateway on the bridge (idempotent: reconciliation calls it too).
    func ensureGatewayAddresses(_ network: NetworkRecord, bridge: Link, present: Set<String>) throws {
        let socket = kernel.socket
        for subnet in network.ipv4 + network.ipv6 {
            let cidr = AddressManager.cidr(subnet.gateway, in: [subnet.subnet])
            // No duplicate address detection: the subnet is the network's own, and a gateway
            // left "tentative" would drop the sandboxes' first IPv6 packets.
            if !present.contains(cidr) {
                try socket.addAddress(cidr, index: bridge.index, duplicateAddressDetection: false)
            }
        }
        if !bridge.isUp { try socket.setUp(index: bridge.index) }
    }

    func deleteNetwork(_ network: NetworkRecord) throws {
        guard let bridgeName = network.bridgeName else { return }
        try kernel.withFirewall { try $0.removeNetwork(bridge: bridgeName) }
        guard let bridge = try socket.link(named: bridgeName) else { return }
        guard bridge.alias == Self.mark(network.id) else { return }
        try socket.deleteLink(index: bridge.index)
    }

    /// Deletes several networks' bridges with one kernel request (prune).
    ///
    /// Deleting a link makes the kernel wait for an RCU grace period (15–40 ms); one
    /// `RTM_DELLINK` for a whole device group waits once for all of them. Each bridge (still
    /// marked as its network's) moves into ``doomedGroup``, then the group is deleted.
    func deleteNetworks(_ removed: [NetworkRecord]) throws {
        var doomed = 0
        for network in removed {
            guard let bridgeName = network.bridgeName else { continue }
            try kernel.withFirewall { try $0.removeNetwork(bridge: bridgeName) }
            guard let bridge = try socket.link(named: bridgeName), bridge.alias == Self.mark(network.id)
            else {
                continue
            }
            try socket.setGroup(Self.doomedGroup, index: bridge.index)
            doomed += 1
        }
        if doomed > 0 { try socket.deleteLinks(group: Self.doomedGroup) }
    }

    /// Removes many endpoints' veths with one kernel request (a sandbox with many endpoints
    /// whose namespace cnmd does not own, so it cannot simply delete the namespace).
    func leaveAll(_ members: [EndpointRecord]) throws {
        let published = members.flatMap(Self.firewallBindings)
        if !published.isEmpty { try kernel.withFirewall { try $0.removePortBindings(published) } }
        var doomed = 0
        for member in members {
            guard let hostName = member.hostInterfaceName, let link = try socket.link(named: hostName) else {
                continue
            }
            try socket.setGroup(Self.doomedGroup, index: link.index)
            doomed += 1
        }
        if doomed > 0 { try socket.deleteLinks(group: Self.doomedGroup) }
    }

    func join(_ endpoint: EndpointRecord, network: NetworkRecord, context: JoinContext) throws -> String? {
        guard let bridgeName = network.bridgeName, let bridge = try socket.link(named: bridgeName)
        else {
            throw CNMError(
                .internalError, "bridge \(network.bridgeName ?? "?") of network \(network.name) is missing")
        }
        // The host end is born down and in cnmd's group (which marks it as cnmd's from the
        // first instant), gets IPv6 off before it ever comes up (so the kernel never sets up,
        // then tears down, IPv6 on it: with forwarding on that was ~0.5 ms per attach), then
        // its alias and up in one request.
        let hostName = try addVethPair(endpoint, network: network, bridge: bridge, context: context)
        do {
            try kernel.disableIPv6(interface: hostName)
            try socket.bringUp(name: hostName, alias: Self.mark(endpoint.id))
            let socket = context.sandbox.socket
            guard let inside = try socket.link(named: context.interfaceName) else {
                throw CNMError(
                    .internalError, "interface \(context.interfaceName) did not appear in the sandbox")
            }
            if let v4 = endpoint.ipv4 {
                try socket.addAddress(
                    AddressManager.cidr(v4, in: network.ipv4.map(\.subnet)), index: inside.index)
            }
            if let v6 = endpoint.ipv6 {
                // IPAM made the address unique in the network; without DAD it is usable at
                // once instead of "tentative" for a second or two (libnetwork sets NODAD too).
                try socket.addAddress(
                    AddressManager.cidr(v6, in: network.ipv6.map(\.subnet)), index: inside.index,
                    duplicateAddressDetection: false)
            }
            try socket.setUp(index: inside.index)
            if context.providesDefaultRoute {
                try addRoutes(network: network, socket: socket, index: inside.index)
            }
            if !endpoint.portBindings.isEmpty {
                try kernel.withFirewall {
                    try $0.addPortBindings(Self.firewallBindings(endpoint), bridge: bridgeName)
                }
            }
        } catch {
            try? socket.deleteLink(name: hostName)
            throw error
        }
        return hostName
    }

    /// Host-side names an endpoint may take: `veth` and 7 hex digits of its ID, the first 7
    /// unless those are taken (28 bits: among 5,000 ports a new one collides about once in
    /// 50,000 attaches, which the scale benchmark's 10,000 cycles hit).
    static func hostNames(_ endpoint: EndpointRecord) -> [String] {
        let hex = Array(endpoint.id.lowercased())
        return stride(from: 0, through: hex.count - 7, by: 7).map { "veth" + String(hex[$0..<$0 + 7]) }
    }

    /// Creates the pair under the first host-side name that is free; returns that name.
    private func addVethPair(
        _ endpoint: EndpointRecord, network: NetworkRecord, bridge: Link, context: JoinContext
    ) throws -> String {
        let candidates = Self.hostNames(endpoint)
        for (attempt, hostName) in candidates.enumerated() {
            do {
                try socket.addVethPair(
                    hostName: hostName, peerName: context.interfaceName,
                    peerNamespace: context.sandbox.namespace, hostMasterIndex: bridge.index,
                    group: Self.vethGroup, peerMAC: endpoint.macAddress, mtu: network.mtu.map(UInt32.init))
                return hostName
            } catch let error as NetlinkError where error.isAlreadyExists {
                // Taken on this side (another port), or the peer's name in the sandbox?
                guard attempt + 1 < candidates.count, try socket.link(named: hostName) != nil else {
                    throw error
                }
            }
        }
        throw CNMError(.internalError, "no free host-side interface name for endpoint \(endpoint.name)")
    }

    func addDefaultRoute(_ endpoint: EndpointRecord, network: NetworkRecord, sandbox: SandboxNamespace) throws
    {
        guard let name = endpoint.interfaceName, let inside = try sandbox.socket.link(named: name) else {
            return
        }
        try addRoutes(network: network, socket: sandbox.socket, index: inside.index)
    }

    private func addRoutes(network: NetworkRecord, socket: NetlinkSocket, index: Int32) throws {
        guard !network.isInternal else { return }
        if let gateway = network.ipv4.first?.gateway {
            try socket.addRoute(destination: nil, gateway: gateway, index: index)
        }
        if let gateway = network.ipv6.first?.gateway {
            try socket.addRoute(destination: nil, gateway: gateway, index: index)
        }
    }

    func leave(_ endpoint: EndpointRecord, network: NetworkRecord) throws {
        if !endpoint.portBindings.isEmpty {
            try kernel.withFirewall { try $0.removePortBindings(Self.firewallBindings(endpoint)) }
        }
        guard let hostName = endpoint.hostInterfaceName else { return }
        guard let link = try socket.link(named: hostName) else { return }
        try socket.deleteLink(index: link.index)
    }
}
