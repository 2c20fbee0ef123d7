import CLibNL

/// A route of the main routing table.
public struct Route: Sendable, Hashable {
    public var family: AddressFamily
    /// Destination prefix, e.g. `"172.18.0.0/24"`; the default route is `"0.0.0.0/0"` / `"::/0"`.
    public var destination: String
    /// The first next hop's gateway, if it has one.
    public var gateway: String?
    /// The first next hop's output interface index, if it has one.
    public var outputIndex: Int32?

    public init(family: AddressFamily, destination: String, gateway: String?, outputIndex: Int32?) {
        self.family = family
        self.destination = destination
        self.gateway = gateway
        self.outputIndex = outputIndex
    }

    /// Whether this is a default route (`/0`).
    public var isDefault: Bool {
        destination.hasSuffix("/0")
    }

    /// Copies the fields out of a borrowed `struct rtnl_route *`; `nil` for non-IP families.
    /// Multipath routes report their first next hop.
    init?(_ route: OpaquePointer) {
        guard let family = AddressFamily(rawValue: Int32(rtnl_route_get_family(route))),
            let destination = rtnl_route_get_dst(route),
            let cidr = AddressText.cidr(
                destination, family: family, prefixLength: Int(nl_addr_get_prefixlen(destination)))
        else { return nil }
        var gateway: String?
        var outputIndex: Int32?
        if rtnl_route_get_nnexthops(route) > 0, let nexthop = rtnl_route_nexthop_n(route, 0) {
            gateway = rtnl_route_nh_get_gateway(nexthop).flatMap { AddressText.ip($0, family: family) }
            let index = rtnl_route_nh_get_ifindex(nexthop)
            outputIndex = index > 0 ? index : nil
        }
        self.init(family: family, destination: cidr, gateway: gateway, outputIndex: outputIndex)
    }
}
