import CLibNL
import Glibc

/// A network interface as the kernel reports it, in one namespace.
public struct Link: Sendable, Hashable {
    /// Interface index, unique within its namespace.
    public var index: Int32
    public var name: String
    /// The rtnetlink kind (`"bridge"`, `"veth"`, …); `nil` for devices without one (`lo`, physical NICs).
    public var kind: String?
    public var mtu: UInt32
    /// Hardware address as `"02:42:ac:11:00:02"`, `nil` when the device has none.
    public var mac: String?
    /// Administratively up (`IFF_UP`).
    public var isUp: Bool
    /// Index of the bridge (or other master) this link is enslaved to.
    public var masterIndex: Int32?
    /// The interface alias (`ifalias`), `nil` when unset.
    public var alias: String?
    /// The device group (0 is the default group every device starts in).
    public var group: UInt32

    public init(
        index: Int32, name: String, kind: String?, mtu: UInt32, mac: String?, isUp: Bool,
        masterIndex: Int32?, alias: String?, group: UInt32
    ) {
        self.index = index
        self.name = name
        self.kind = kind
        self.mtu = mtu
        self.mac = mac
        self.isUp = isUp
        self.masterIndex = masterIndex
        self.alias = alias
        self.group = group
    }

    /// Copies the fields out of a borrowed `struct rtnl_link *`.
    init(_ link: OpaquePointer) {
        let master = rtnl_link_get_master(link)
        let alias = rtnl_link_get_ifalias(link).map { String(cString: $0) }
        self.init(
            index: rtnl_link_get_ifindex(link),
            name: rtnl_link_get_name(link).map { String(cString: $0) } ?? "",
            kind: rtnl_link_get_type(link).map { String(cString: $0) },
            mtu: rtnl_link_get_mtu(link),
            mac: rtnl_link_get_addr(link).flatMap(AddressText.mac),
            isUp: rtnl_link_get_flags(link) & UInt32(IFF_UP) != 0,
            masterIndex: master > 0 ? master : nil,
            alias: alias?.isEmpty == false ? alias : nil,
            group: rtnl_link_get_group(link))
    }
}
