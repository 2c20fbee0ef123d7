/// A block that network subnets are cut from: `base` split into subnets of prefix length `size`
/// (`--default-address-pool base=172.18.0.0/16,size=24`).
public struct AddressPool: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The block subnets are taken from.
    public let base: IPSubnet
    /// The prefix length of each subnet handed out.
    public let size: Int

    /// A pool; `size` must be within `base.prefixLength...bitWidth`.
    public init(base: IPSubnet, size: Int) throws(IPAMError) {
        guard (base.prefixLength...base.family.bitWidth).contains(size) else {
            throw .invalid(
                "default-address-pool", "base=\(base),size=\(size)",
                "size must be between \(base.prefixLength) and \(base.family.bitWidth)")
        }
        self.base = base
        self.size = size
    }

    /// Parses `base=CIDR,size=N` (keys in any order; `size` defaults to 24 for IPv4 and 64 for
    /// IPv6 when omitted).
    public static func parse(_ text: String) throws(IPAMError) -> AddressPool {
        let field = "default-address-pool"
        var base: IPSubnet?
        var size: Int?
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2 else {
                throw .invalid(field, text, "expected base=CIDR,size=N, got \"\(item)\"")
            }
            let value = String(pair[1]).trimmingSpaces
            switch String(pair[0]).trimmingSpaces {
            case "base" where base == nil:
                do {
                    base = try IPSubnet.parse(value, field: "base")
                } catch {
                    throw .invalid(field, text, error.message)
                }
            case "size" where size == nil:
                guard let number = Int(value) else {
                    throw .invalid(field, text, "size \"\(value)\" is not a number")
                }
                size = number
            default:
                throw .invalid(field, text, "unknown or repeated key \"\(pair[0])\" (expected base and size)")
            }
        }
        guard let base else { throw .invalid(field, text, "base is missing") }
        do {
            return try AddressPool(base: base, size: size ?? (base.family == .v4 ? 24 : 64))
        } catch {
            throw .invalid(
                field, text, "size must be between \(base.prefixLength) and \(base.family.bitWidth)")
        }
    }

    /// The family of the subnets handed out.
    public var family: IPFamily { base.family }

    /// Number of subnets in the pool; saturates at `UInt128.max`.
    public var subnetCount: UInt128 {
        let bits = size - base.prefixLength
        return bits >= 128 ? .max : UInt128(1) << bits
    }

    /// The `index`-th subnet of the pool (0 is the first).
    func subnet(at index: UInt128) -> IPSubnet {
        let hostBits = family.bitWidth - size
        let offset = hostBits >= 128 ? 0 : index << hostBits
        return IPSubnet(containing: base.first.advanced(by: offset), prefixLength: size)
    }

    /// Index of the subnet of this pool that holds `address` (which must lie in `base`).
    func index(of address: IPAddress) -> UInt128 {
        let hostBits = family.bitWidth - size
        return hostBits >= 128 ? 0 : (address.value - base.first.value) >> hostBits
    }

    public var description: String { "base=\(base),size=\(size)" }

    /// The default bridge's subnet, 172.17.0.0/16.
    public static let defaultBridgeSubnet = IPSubnet("172.17.0.0/16")!

    /// Where the default bridge goes when 172.17.0.0/16 is not free: the /16s of 172.18–31.
    public static let defaultBridgeFallbacks: [IPSubnet] = (18...31).map { IPSubnet("172.\($0).0.0/16")! }

    /// The IPv4 pools of user networks: /24s of 172.18.0.0/16 … 172.31.0.0/16, then
    /// 192.168.0.0/16 (3,840 subnets, where Docker's /16 default gives 31).
    public static let defaultIPv4: [AddressPool] =
        defaultBridgeFallbacks.map { try! AddressPool(base: $0, size: 24) }
        + [try! AddressPool(base: IPSubnet("192.168.0.0/16")!, size: 24)]

    /// The IPv6 pool derived from a machine ID: the ULA /48 `fdXX:XXXX:XXXX::/48` whose 40-bit
    /// global ID is the first 5 bytes of SHA-256(machineID) (as Docker 27 derives it from its
    /// host ID), handing out /64s.
    public static func uniqueLocal(machineID: String) -> AddressPool {
        let digest = SHA256.hash(Array(machineID.utf8))
        let globalID = digest.prefix(5).reduce(UInt128(0)) { $0 << 8 | UInt128($1) }
        let prefix = (UInt128(0xfd) << 120) | (globalID << 80)
        return try! AddressPool(base: IPSubnet(containing: .v6(prefix), prefixLength: 48), size: 64)
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
