import CLibNL
import Glibc

extension NetlinkSocket {
    /// The link called `name`, or `nil` if there is none.
    public func link(named name: String) throws -> Link? {
        try withConnection { try $0.link(index: 0, name: name) }
    }

    /// The link with interface index `index`, or `nil` if there is none.
    public func link(index: Int32) throws -> Link? {
        try withConnection { try $0.link(index: index, name: nil) }
    }

    /// Every link in the socket's namespace, by index.
    public func links() throws -> [Link] {
        try withConnection { connection in
            try LibNLObjects.withCache(connection, "rtnl_link_alloc_cache") {
                rtnl_link_alloc_cache($0, AF_UNSPEC, &$1)
            } _: { objects in
                LibNLObjects.unique(objects.map(Link.init), by: \.index).sorted { $0.index < $1.index }
            }
        }
    }

    /// Sets the link administratively up.
    public func setUp(index: Int32) throws {
        try change(index: index, "up") { rtnl_link_set_flags($0, UInt32(IFF_UP)) }
    }

    /// Sets the link administratively down.
    public func setDown(index: Int32) throws {
        try change(index: index, "down") { rtnl_link_unset_flags($0, UInt32(IFF_UP)) }
    }

    /// Sets the MTU (the kernel checks it against the device's limits).
    public func setMTU(_ mtu: UInt32, index: Int32) throws {
        try change(index: index, "mtu \(mtu)") { rtnl_link_set_mtu($0, mtu) }
    }

    /// Sets the hardware address (`"02:42:ac:11:00:02"`).
    public func setMAC(_ mac: String, index: Int32) throws {
        try LibNLObjects.withParsedAddress(mac, family: AF_LLC) { address in
            try change(index: index, "address \(mac)") { rtnl_link_set_addr($0, address) }
        }
    }

    /// Sets the interface alias (`ifalias`, at most 255 bytes).
    public func setAlias(_ alias: String, index: Int32) throws {
        try change(index: index, "alias \(alias)") { rtnl_link_set_ifalias($0, alias) }
    }

    /// Sets the alias of the link called `name` and brings it up, in one request.
    public func bringUp(name: String, alias: String?) throws {
        try withConnection { connection in
            try connection.changeLink(index: 0, name: name, "up\(alias.map { " alias \($0)" } ?? "")") {
                if let alias { rtnl_link_set_ifalias($0, alias) }
                rtnl_link_set_flags($0, UInt32(IFF_UP))
            }
        }
    }

    /// Moves the link into device group `group` (for a later `deleteLinks(group:)`).
    public func setGroup(_ group: UInt32, index: Int32) throws {
        try change(index: index, "group \(group)") { rtnl_link_set_group($0, group) }
    }

    /// Enslaves the link to the bridge `masterIndex`, or releases it from its master when `nil`.
    public func setMaster(_ masterIndex: Int32?, index: Int32) throws {
        try change(index: index, "master \(masterIndex ?? 0)") { rtnl_link_set_master($0, masterIndex ?? 0) }
    }

    /// Renames the link. Kernels before 6.2 refuse (`EBUSY`) while the link is up.
    public func rename(index: Int32, to name: String) throws {
        try change(index: index, "name \(name)") { rtnl_link_set_name($0, name) }
    }

    /// Deletes the link (for a veth, both ends). Budget 15–40 ms: the kernel waits for RCU.
    public func deleteLink(index: Int32) throws {
        try delete("index \(index)") { rtnl_link_set_ifindex($0, index) }
    }

    /// Deletes the link called `name` (for a veth, both ends).
    public func deleteLink(name: String) throws {
        try delete(name) { rtnl_link_set_name($0, name) }
    }

    /// Deletes every link in device group `group` with one `RTM_DELLINK` (one batched
    /// unregister: ~100 ms for 200 veths against seconds one by one). An empty group is not
    /// an error. Group 0 is refused: every device on the system starts in it.
    ///
    /// Hand-built because libnl's `rtnl_link_delete` insists on an index or a name.
    public func deleteLinks(group: UInt32) throws {
        guard group != 0 else {
            throw NetlinkError.invalidArgument("delete links of group 0 (the default group of every device)")
        }
        try withConnection { connection in
            do {
                try LibNLObjects.sendSync(
                    connection, "RTM_DELLINK group \(group)", type: Int32(RTM_DELLINK), flags: 0
                ) { message in
                    var header = ifinfomsg()
                    header.ifi_family = UInt8(AF_UNSPEC)
                    let appended = nlmsg_append(
                        message, &header, MemoryLayout<ifinfomsg>.size, Int32(NLMSG_ALIGNTO))
                    guard appended >= 0 else { return appended }
                    return nla_put_u32(message, Int32(IFLA_GROUP), group)
                }
            } catch let error as NetlinkError where error.errno == ENODEV {
                return  // nothing in the group
            }
        }
    }

    /// Sends an `RTM_NEWLINK` change for link `index` built by `configure`.
    func change(index: Int32, _ what: String, _ configure: (OpaquePointer) throws -> Void) throws {
        try withConnection { try $0.changeLink(index: index, name: nil, what, configure) }
    }

    private func delete(_ what: String, _ identify: (OpaquePointer) -> Void) throws {
        try withConnection { connection in
            try LibNLObjects.withLink { link in
                identify(link)
                try connection.perform("rtnl_link_delete \(what)") { rtnl_link_delete($0, link) }
            }
        }
    }
}

extension LibNLConnection {
    /// The kernel's view of a link (by index, or by name when `index` is 0).
    func link(index: Int32, name: String?) throws -> Link? {
        try LibNLObjects.withKernelLink(self, index: index, name: name) { $0.map(Link.init) }
    }

    /// Like `link(index:name:)` but a missing link is an error (`ENODEV`).
    func requireLink(named name: String) throws -> Link {
        guard let link = try link(index: 0, name: name) else {
            throw NetlinkError(
                operation: "rtnl_link_get_kernel \(name)", code: NLE_OBJ_NOTFOUND, errno: ENODEV)
        }
        return link
    }

    /// Changes one link, addressed by index or (when `index` is 0) by name. libnl takes only
    /// the index from `orig`; a link addressed by name carries the name in `changes` too, so
    /// it goes out as `IFLA_IFNAME` for the kernel to look up. `orig` must not carry both
    /// index and name, or libnl drops a rename it thinks is unnecessary.
    func changeLink(index: Int32, name: String?, _ what: String, _ configure: (OpaquePointer) throws -> Void)
        throws
    {
        try LibNLObjects.withLink { original in
            try LibNLObjects.withLink { changes in
                if index > 0 {
                    rtnl_link_set_ifindex(original, index)
                } else if let name {
                    rtnl_link_set_name(original, name)
                    rtnl_link_set_name(changes, name)
                }
                try configure(changes)
                try perform("rtnl_link_change \(index > 0 ? "index \(index)" : name ?? "") \(what)") {
                    rtnl_link_change($0, original, changes, 0)
                }
            }
        }
    }
}
