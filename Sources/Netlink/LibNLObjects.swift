import CLibNL
import Glibc

/// Scoped access to libnl objects: every `*_alloc`, `*_parse` and `*_get_kernel` in the module
/// is paired here with its `*_put` / `*_free`, and the object never outlives the closure.
enum LibNLObjects {
    static func withLink<T>(_ body: (OpaquePointer) throws -> T) throws -> T {
        guard let link = rtnl_link_alloc() else { throw outOfMemory("rtnl_link_alloc") }
        defer { rtnl_link_put(link) }
        return try body(link)
    }

    static func withBridge<T>(_ body: (OpaquePointer) throws -> T) throws -> T {
        guard let bridge = rtnl_link_bridge_alloc() else { throw outOfMemory("rtnl_link_bridge_alloc") }
        defer { rtnl_link_put(bridge) }
        return try body(bridge)
    }

    /// A new veth and its peer. The peer reference is +1 and is put here; only a veth from
    /// `rtnl_link_veth_alloc` is ever asked for its peer (libnl aborts on other links).
    static func withVeth<T>(_ body: (_ host: OpaquePointer, _ peer: OpaquePointer) throws -> T) throws -> T {
        guard let veth = rtnl_link_veth_alloc() else { throw outOfMemory("rtnl_link_veth_alloc") }
        defer { rtnl_link_put(veth) }
        guard let peer = rtnl_link_veth_get_peer(veth) else { throw outOfMemory("rtnl_link_veth_get_peer") }
        defer { rtnl_link_put(peer) }
        return try body(veth, peer)
    }

    /// The kernel's view of one link (by index, or by name when `index` is 0); `nil` when
    /// there is no such link.
    static func withKernelLink<T>(
        _ connection: LibNLConnection, index: Int32, name: String?, _ body: (OpaquePointer?) throws -> T
    ) throws -> T {
        var link: OpaquePointer?
        do {
            try connection.perform("rtnl_link_get_kernel \(name ?? "index \(index)")") {
                rtnl_link_get_kernel($0, index, name, &link)
            }
        } catch let error as NetlinkError where error.isNotFound {
            return try body(nil)
        }
        defer { rtnl_link_put(link) }
        return try body(link)
    }

    static func withAddr<T>(_ body: (OpaquePointer) throws -> T) throws -> T {
        guard let address = rtnl_addr_alloc() else { throw outOfMemory("rtnl_addr_alloc") }
        defer { rtnl_addr_put(address) }
        return try body(address)
    }

    static func withRoute<T>(_ body: (OpaquePointer) throws -> T) throws -> T {
        guard let route = rtnl_route_alloc() else { throw outOfMemory("rtnl_route_alloc") }
        defer { rtnl_route_put(route) }
        return try body(route)
    }

    /// Adds a next hop to `route`; the route owns it from then on (freed with the route).
    static func addNexthop(to route: OpaquePointer, _ configure: (OpaquePointer) throws -> Void) throws {
        guard let nexthop = rtnl_route_nh_alloc() else { throw outOfMemory("rtnl_route_nh_alloc") }
        do {
            try configure(nexthop)
        } catch {
            rtnl_route_nh_free(nexthop)
            throw error
        }
        rtnl_route_add_nexthop(route, nexthop)
    }

    /// Parses `text` (`"172.18.0.2/24"`, `"fd00::1"`, `"default"`, `"02:42:ac:11:00:02"`) as
    /// an address of `family`. The setters that receive it take their own reference.
    static func withParsedAddress<T>(_ text: String, family: Int32, _ body: (OpaquePointer) throws -> T)
        throws
        -> T
    {
        var address: OpaquePointer?
        let rc = nl_addr_parse(text, family, &address)
        guard rc >= 0, let address else {
            throw NetlinkError(operation: "parse address \"\(text)\"", code: rc < 0 ? -rc : NLE_INVAL)
        }
        defer { nl_addr_put(address) }
        return try body(address)
    }

    /// An address built from raw bytes (network order).
    static func withBuiltAddress<T>(family: Int32, bytes: [UInt8], _ body: (OpaquePointer) throws -> T) throws
        -> T
    {
        var bytes = bytes
        guard let address = nl_addr_build(family, &bytes, bytes.count) else {
            throw outOfMemory("nl_addr_build")
        }
        defer { nl_addr_put(address) }
        return try body(address)
    }

    /// Dumps a cache (`fill` calls `rtnl_*_alloc_cache`) and hands over its objects, which are
    /// borrowed: valid only inside `body`.
    static func withCache<T>(
        _ connection: LibNLConnection, _ operation: String,
        fill: (OpaquePointer, inout OpaquePointer?) -> Int32, _ body: ([OpaquePointer]) throws -> T
    ) throws -> T {
        var cache: OpaquePointer?
        try connection.perform(operation) { fill($0, &cache) }
        guard let cache else { return try body([]) }
        defer { nl_cache_free(cache) }
        var objects: [OpaquePointer] = []
        var object = nl_cache_get_first(cache)
        while let current = object {
            objects.append(current)
            object = nl_cache_get_next(current)
        }
        return try body(objects)
    }

    /// `items` with each key kept once, in their order.
    ///
    /// A dump the kernel marks inconsistent (something changed meanwhile) is run again by
    /// libnl, and what was read before can stay in the cache: a test saw every address of a
    /// bridge twice while other tests changed addresses in the same namespace.
    static func unique<T, Key: Hashable>(_ items: [T], by key: (T) -> Key) -> [T] {
        var seen = Set<Key>()
        return items.filter { seen.insert(key($0)).inserted }
    }

    /// Sends a hand-built message and waits for the ACK. `nl_send_sync` frees the message,
    /// so it is freed here only when building it fails.
    static func sendSync(
        _ connection: LibNLConnection, _ operation: String, type: Int32, flags: Int32,
        build: (OpaquePointer) -> Int32
    ) throws {
        guard let message = nlmsg_alloc_simple(type, flags) else { throw outOfMemory("nlmsg_alloc_simple") }
        let built = build(message)
        guard built >= 0 else {
            nlmsg_free(message)
            throw NetlinkError(operation: operation, code: -built)
        }
        try connection.perform(operation) { nl_send_sync($0, message) }
    }

    private static func outOfMemory(_ operation: String) -> NetlinkError {
        NetlinkError(operation: operation, code: NLE_NOMEM)
    }
}
