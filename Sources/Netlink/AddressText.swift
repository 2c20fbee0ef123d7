import CLibNL
import Glibc

/// Text forms of libnl addresses, written out here rather than with `nl_addr2str` because
/// that drops the prefix length of full-length addresses and names empty ones "none".
enum AddressText {
    /// `"172.18.0.2"` / `"fd00::1"`, or `nil` for an address of another family.
    static func ip(_ address: OpaquePointer, family: AddressFamily) -> String? {
        var bytes = [UInt8](repeating: 0, count: family.byteCount)
        let length = min(Int(nl_addr_get_len(address)), bytes.count)
        if length > 0, let source = nl_addr_get_binary_addr(address) {
            bytes.withUnsafeMutableBytes {
                $0.copyMemory(from: UnsafeRawBufferPointer(start: source, count: length))
            }
        }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(family.rawValue, bytes, &text, socklen_t(text.count)) != nil else { return nil }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `"172.18.0.0/16"`, with the prefix length always written.
    static func cidr(_ address: OpaquePointer, family: AddressFamily, prefixLength: Int) -> String? {
        ip(address, family: family).map { "\($0)/\(prefixLength)" }
    }

    /// `"02:42:ac:11:00:02"`, or `nil` when the link has no hardware address.
    static func mac(_ address: OpaquePointer) -> String? {
        let length = Int(nl_addr_get_len(address))
        guard length > 0, let source = nl_addr_get_binary_addr(address) else { return nil }
        let bytes = UnsafeRawBufferPointer(start: source, count: length)
        return bytes.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined(separator: ":")
    }

    /// The IPv4 broadcast address of `cidr`'s subnet, for prefixes shorter than /31 (the
    /// default `ip addr add … brd +` and Docker give).
    static func ipv4Broadcast(of address: OpaquePointer) -> [UInt8]? {
        let prefix = Int(nl_addr_get_prefixlen(address))
        guard nl_addr_get_family(address) == AF_INET, nl_addr_get_len(address) == 4, prefix < 31,
            let source = nl_addr_get_binary_addr(address)
        else { return nil }
        let value = UnsafeRawBufferPointer(start: source, count: 4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let host: UInt32 = prefix == 0 ? .max : (1 << UInt32(32 - prefix)) - 1
        let broadcast = value | host
        return [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: broadcast >> $0) }
    }
}
