/// Why a firewall operation was refused or failed.
public enum FirewallError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The host port is taken by another binding (same protocol and family, same or wildcard
    /// host address).
    case portAlreadyAllocated(PortBinding)
    /// A bridge name that the kernel or nft would reject, or that could change an nft script.
    case invalidBridgeName(String)
    /// Text that is not an IP address or subnet; `field` says which value it was.
    case invalidAddress(field: String, value: String)
    /// Port 0: cnm does not pick host ports.
    case invalidPort(PortBinding)
    /// Host and container address of a binding are of different families.
    case familyMismatch(PortBinding)
    /// The container address is in none of the bridge network's subnets.
    case addressOutsideNetwork(PortBinding, bridge: String)
    /// Ports were bound on a bridge that has no network rules.
    case unknownNetwork(bridge: String)
    /// Ports cannot be published on an internal network: it has no way in or out.
    case internalNetwork(bridge: String)
    /// A bridge that still has published ports cannot become internal.
    case networkHasPorts(bridge: String)
    /// Writing a sysctl under /proc/sys failed.
    case sysctl(path: String, errno: Int32, message: String)
    /// nft rejected the transaction.
    case nft(operation: String, error: NFTError)
    /// nft's listing of cnm's table could not be read back.
    case unreadableListing(String)

    public var description: String {
        switch self {
        case .portAlreadyAllocated(let binding):
            return "host port \(binding.hostPortText) is already allocated"
        case .invalidBridgeName(let name):
            return "invalid bridge name \"\(name)\": 1 to 15 characters out of A-Z a-z 0-9 . _ -"
        case .invalidAddress(let field, let value):
            return "invalid \(field) \"\(value)\""
        case .invalidPort(let binding):
            return "invalid port binding \(binding): ports must be 1...65535"
        case .familyMismatch(let binding):
            return "port binding \(binding) mixes IPv4 and IPv6"
        case .addressOutsideNetwork(let binding, let bridge):
            return "port binding \(binding): container address is not in a subnet of \(bridge)"
        case .unknownNetwork(let bridge):
            return "no firewall rules for bridge \(bridge)"
        case .internalNetwork(let bridge):
            return "cannot publish ports on internal network bridge \(bridge)"
        case .networkHasPorts(let bridge):
            return "bridge \(bridge) has published ports and cannot become internal"
        case .sysctl(let path, let errno, let message):
            return "cannot write \(path): \(message) (errno \(errno))"
        case .nft(let operation, let error):
            return "\(operation): \(error)"
        case .unreadableListing(let detail):
            return "cannot read nft's listing of \(FirewallRuleset.table): \(detail)"
        }
    }
}
