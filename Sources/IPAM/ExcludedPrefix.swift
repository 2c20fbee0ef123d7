/// A block of the host's address space that no network subnet may overlap: an on-link host route
/// or a nameserver of the host's resolv.conf. The caller reads them from the kernel and passes
/// them to each call, since routes change while the daemon runs.
public struct ExcludedPrefix: Sendable, Hashable, CustomStringConvertible {
    /// Where the prefix comes from, for error messages.
    public enum Origin: String, Sendable, Hashable {
        case hostRoute = "host route"
        case nameserver = "nameserver"
    }

    /// The excluded block.
    public let subnet: IPSubnet
    /// Where it comes from.
    public let origin: Origin

    /// Excludes `subnet` for the reason `origin`.
    public init(_ subnet: IPSubnet, origin: Origin) {
        self.subnet = subnet
        self.origin = origin
    }

    /// A route of the host's main table (callers leave out default routes and cnm's own bridges).
    public static func hostRoute(_ subnet: IPSubnet) -> ExcludedPrefix {
        ExcludedPrefix(subnet, origin: .hostRoute)
    }

    /// A nameserver address, excluded as a /32 or /128.
    public static func nameserver(_ address: IPAddress) -> ExcludedPrefix {
        ExcludedPrefix(
            IPSubnet(containing: address, prefixLength: address.family.bitWidth), origin: .nameserver)
    }

    /// "host route 192.168.0.0/16" or "nameserver 10.0.0.53".
    public var description: String {
        switch origin {
        case .hostRoute: "host route \(subnet)"
        case .nameserver: "nameserver \(subnet.address)"
        }
    }
}
