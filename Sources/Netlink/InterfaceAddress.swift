import CLibNL

/// An IP address configured on an interface.
public struct InterfaceAddress: Sendable, Hashable {
    public var family: AddressFamily
    /// Address and prefix length, e.g. `"172.18.0.2/24"` or `"fd00::2/64"`.
    public var cidr: String
    /// Index of the interface it is on.
    public var index: Int32

    public init(family: AddressFamily, cidr: String, index: Int32) {
        self.family = family
        self.cidr = cidr
        self.index = index
    }

    /// Copies the fields out of a borrowed `struct rtnl_addr *`; `nil` for non-IP families.
    init?(_ address: OpaquePointer) {
        guard let family = AddressFamily(rawValue: rtnl_addr_get_family(address)),
            let local = rtnl_addr_get_local(address),
            let cidr = AddressText.cidr(
                local, family: family, prefixLength: Int(rtnl_addr_get_prefixlen(address)))
        else { return nil }
        self.init(family: family, cidr: cidr, index: rtnl_addr_get_ifindex(address))
    }
}
