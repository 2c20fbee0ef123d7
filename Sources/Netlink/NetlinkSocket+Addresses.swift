import CLibNL
import Glibc

extension NetlinkSocket {
    /// Adds `cidr` (`"172.18.0.2/24"`, `"fd00::2/64"`; no prefix means a host address) to
    /// link `index`. IPv4 addresses get their subnet's broadcast address, as Docker sets them.
    ///
    /// - Parameter duplicateAddressDetection: `false` sets `IFA_F_NODAD`, so an IPv6 address
    ///   is usable at once instead of after DAD (what Docker does inside sandboxes).
    /// Fails with `isAlreadyExists` when the address is already there.
    public func addAddress(_ cidr: String, index: Int32, duplicateAddressDetection: Bool = true) throws {
        try withConnection { connection in
            try LibNLObjects.withAddr { address in
                try configure(address, cidr: cidr, index: index)
                if !duplicateAddressDetection { rtnl_addr_set_flags(address, UInt32(IFA_F_NODAD)) }
                try LibNLObjects.withParsedAddress(cidr, family: AddressFamily(of: cidr).rawValue) { local in
                    if let broadcast = AddressText.ipv4Broadcast(of: local) {
                        try LibNLObjects.withBuiltAddress(family: AF_INET, bytes: broadcast) {
                            _ = rtnl_addr_set_broadcast(address, $0)
                        }
                    }
                }
                try connection.perform("rtnl_addr_add \(cidr) on index \(index)") {
                    rtnl_addr_add($0, address, NLM_F_EXCL)
                }
            }
        }
    }

    /// Removes `cidr` from link `index`. Fails with `isNotFound` when it is not there.
    public func deleteAddress(_ cidr: String, index: Int32) throws {
        try withConnection { connection in
            try LibNLObjects.withAddr { address in
                try configure(address, cidr: cidr, index: index)
                try connection.perform("rtnl_addr_delete \(cidr) on index \(index)") {
                    rtnl_addr_delete($0, address, 0)
                }
            }
        }
    }

    /// The IPv4 and IPv6 addresses on link `index`, or on every link when `nil`.
    public func addresses(index: Int32? = nil) throws -> [InterfaceAddress] {
        try withConnection { connection in
            try LibNLObjects.withCache(connection, "rtnl_addr_alloc_cache") {
                rtnl_addr_alloc_cache($0, &$1)
            } _: { objects in
                LibNLObjects.unique(
                    objects.compactMap(InterfaceAddress.init).filter { index == nil || $0.index == index },
                    by: { "\($0.index) \($0.cidr)" })
            }
        }
    }

    private func configure(_ address: OpaquePointer, cidr: String, index: Int32) throws {
        let family = AddressFamily(of: cidr)
        rtnl_addr_set_ifindex(address, index)
        rtnl_addr_set_family(address, family.rawValue)
        try LibNLObjects.withParsedAddress(cidr, family: family.rawValue) { local in
            let rc = rtnl_addr_set_local(address, local)
            guard rc >= 0 else { throw NetlinkError(operation: "rtnl_addr_set_local \(cidr)", code: -rc) }
        }
    }
}
