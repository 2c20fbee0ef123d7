import CLibNL
import Glibc

extension NetlinkSocket {
    /// Creates a Linux bridge in one request and returns it as the kernel reports it.
    ///
    /// - Parameters:
    ///   - mac: a fixed hardware address; by default the kernel picks a random one.
    ///   - alias: the `ifalias`, set right after creation (the kernel ignores it on create).
    ///   - up: bring the bridge up in the same request.
    ///   - group: device group (`IFLA_GROUP`), set by the create request itself (unlike the
    ///     alias), so a bridge is marked from its first instant even if its creator dies before
    ///     the alias is set.
    /// Fails with `isAlreadyExists` when the name is taken.
    public func createBridge(
        name: String, mtu: UInt32? = nil, mac: String? = nil, alias: String? = nil, up: Bool = false,
        group: UInt32? = nil
    ) throws -> Link {
        try withConnection { connection in
            try LibNLObjects.withBridge { bridge in
                rtnl_link_set_name(bridge, name)
                if let mtu { rtnl_link_set_mtu(bridge, mtu) }
                if let mac {
                    try LibNLObjects.withParsedAddress(mac, family: AF_LLC) { rtnl_link_set_addr(bridge, $0) }
                }
                if up { rtnl_link_set_flags(bridge, UInt32(IFF_UP)) }
                if let group { rtnl_link_set_group(bridge, group) }
                try connection.perform("rtnl_link_add bridge \(name)") {
                    rtnl_link_add($0, bridge, NLM_F_CREATE | NLM_F_EXCL)
                }
            }
            if let alias {
                try connection.changeLink(index: 0, name: name, "alias \(alias)") {
                    rtnl_link_set_ifalias($0, alias)
                }
            }
            return try connection.requireLink(named: name)
        }
    }
}
