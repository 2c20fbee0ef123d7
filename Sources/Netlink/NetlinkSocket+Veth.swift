import CLibNL
import Glibc

extension NetlinkSocket {
    /// Creates a veth pair in one request, with the peer born directly inside
    /// `peerNamespace` (`IFLA_NET_NS_FD` on the peer) and the host end already enslaved and
    /// up, and returns the host end as the kernel reports it.
    ///
    /// Creating the peer in place avoids moving it afterwards, which costs ~18 ms of kernel
    /// RCU waits; the fused request costs under 1 ms. The peer is left down: the kernel
    /// refuses `IFF_UP` on a peer that is not wired yet (`ENOTCONN`), so bring it up from a
    /// socket in `peerNamespace`, then give it its address and routes there.
    ///
    /// - Parameters:
    ///   - hostName: the end that stays in this socket's namespace.
    ///   - peerName: the end created in `peerNamespace` (this socket's namespace if `nil`).
    ///   - hostMasterIndex: the bridge to enslave the host end to.
    ///   - hostUp: bring the host end up in the same request.
    ///   - hostAlias: `ifalias` of the host end, set right after creation.
    ///   - group: device group of the host end, for batched `deleteLinks(group:)`.
    ///   - peerMAC: hardware address of the peer.
    ///   - mtu: MTU of both ends.
    /// Fails with `isAlreadyExists` when a name is taken (the peer's, in its namespace).
    public func createVethPair(
        hostName: String, peerName: String, peerNamespace: NetworkNamespace? = nil,
        hostMasterIndex: Int32? = nil, hostUp: Bool = false, hostAlias: String? = nil,
        group: UInt32? = nil, peerMAC: String? = nil, mtu: UInt32? = nil
    ) throws -> Link {
        try withConnection { connection in
            try withExtendedLifetime(peerNamespace) {
                try LibNLObjects.withVeth { host, peer in
                    rtnl_link_set_name(host, hostName)
                    rtnl_link_set_name(peer, peerName)
                    if let mtu {
                        rtnl_link_set_mtu(host, mtu)
                        rtnl_link_set_mtu(peer, mtu)
                    }
                    if let hostMasterIndex { rtnl_link_set_master(host, hostMasterIndex) }
                    if hostUp { rtnl_link_set_flags(host, UInt32(IFF_UP)) }
                    if let group { rtnl_link_set_group(host, group) }
                    if let peerMAC {
                        try LibNLObjects.withParsedAddress(peerMAC, family: AF_LLC) {
                            rtnl_link_set_addr(peer, $0)
                        }
                    }
                    if let peerNamespace { rtnl_link_set_ns_fd(peer, peerNamespace.fd) }
                    try connection.perform("rtnl_link_add veth \(hostName) peer \(peerName)") {
                        rtnl_link_add($0, host, NLM_F_CREATE | NLM_F_EXCL)
                    }
                }
            }
            if let hostAlias {
                try connection.changeLink(index: 0, name: hostName, "alias \(hostAlias)") {
                    rtnl_link_set_ifalias($0, hostAlias)
                }
            }
            return try connection.requireLink(named: hostName)
        }
    }
}
