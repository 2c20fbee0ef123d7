import CLibNL
import Glibc

extension NetlinkSocket {
    /// Adds a route to the main table through link `index`.
    ///
    /// - Parameters:
    ///   - destination: the prefix (`"10.1.0.0/16"`); `nil` for the default route.
    ///   - gateway: the next hop (`"172.18.0.1"`); `nil` for a directly connected (link-scope) route.
    /// The family comes from the destination or the gateway; one of them must be given.
    /// Fails with `isAlreadyExists` when the same route exists.
    public func addRoute(destination: String? = nil, gateway: String? = nil, index: Int32) throws {
        try withConnection { connection in
            try withRoute(destination: destination, gateway: gateway, index: index) { route, text in
                try connection.perform("rtnl_route_add \(text)") { rtnl_route_add($0, route, NLM_F_EXCL) }
            }
        }
    }

    /// Removes the route to `destination` via `gateway` on link `index`, whoever added it (any
    /// routing protocol: libnl would ask for "static" only, and miss a route that `ip route
    /// add` made). Fails with `isNotFound` when there is none.
    public func deleteRoute(destination: String? = nil, gateway: String? = nil, index: Int32) throws {
        try withConnection { connection in
            try withRoute(destination: destination, gateway: gateway, index: index) { route, text in
                rtnl_route_set_protocol(route, 0)  // RTPROT_UNSPEC: the kernel then matches any
                try connection.perform("rtnl_route_delete \(text)") { rtnl_route_delete($0, route, 0) }
            }
        }
    }

    /// The routes of the main table, of one family or (`nil`) both. The controller reads them
    /// to keep new subnets clear of prefixes the host already routes.
    public func routes(family: AddressFamily? = nil) throws -> [Route] {
        try withConnection { connection in
            try LibNLObjects.withCache(connection, "rtnl_route_alloc_cache") {
                rtnl_route_alloc_cache($0, family?.rawValue ?? AF_UNSPEC, 0, &$1)
            } _: { objects in
                LibNLObjects.unique(
                    objects.filter { rtnl_route_get_table($0) == RT_TABLE_MAIN.rawValue }.compactMap(
                        Route.init),
                    by: { $0 })
            }
        }
    }

    private func withRoute(
        destination: String?, gateway: String?, index: Int32, _ body: (OpaquePointer, String) throws -> Void
    ) throws {
        let text = "\(destination ?? "default")\(gateway.map { " via \($0)" } ?? "") dev index \(index)"
        guard let known = destination ?? gateway else {
            throw NetlinkError.invalidArgument("route \(text): no destination or gateway to tell the family")
        }
        let family = AddressFamily(of: known).rawValue
        try LibNLObjects.withRoute { route in
            rtnl_route_set_family(route, UInt8(family))
            rtnl_route_set_table(route, RT_TABLE_MAIN.rawValue)
            try LibNLObjects.withParsedAddress(destination ?? "default", family: family) { dst in
                let rc = rtnl_route_set_dst(route, dst)
                guard rc >= 0 else { throw NetlinkError(operation: "route \(text)", code: -rc) }
            }
            try LibNLObjects.addNexthop(to: route) { nexthop in
                rtnl_route_nh_set_ifindex(nexthop, index)
                if let gateway {
                    try LibNLObjects.withParsedAddress(gateway, family: family) {
                        rtnl_route_nh_set_gateway(nexthop, $0)
                    }
                }
            }
            try body(route, text)
        }
    }
}
