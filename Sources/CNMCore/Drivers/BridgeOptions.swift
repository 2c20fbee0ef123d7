/// The driver options of a bridge network that cnm understands (unknown keys are kept and ignored,
/// as Docker does), parsed and checked once at create time.
struct BridgeOptions: Equatable {
    static let nameKey = "com.docker.network.bridge.name"
    static let mtuKey = "com.docker.network.driver.mtu"
    static let iccKey = "com.docker.network.bridge.enable_icc"
    static let masqueradeKey = "com.docker.network.bridge.enable_ip_masquerade"

    var bridgeName: String?
    var mtu: Int?
    var interContainerCommunication = true
    var masquerade = true

    init(_ options: [String: String], networkName: String) throws(CNMError) {
        if let name = options[Self.nameKey] {
            try Self.validateInterfaceName(name, field: "options.\(Self.nameKey)")
            bridgeName = name
        }
        if let text = options[Self.mtuKey] {
            guard let value = Int(text), (68...65535).contains(value) else {
                throw CNMError.invalid(
                    "options.\(Self.mtuKey)", text, "MTU must be a number from 68 to 65535")
            }
            mtu = value
        }
        interContainerCommunication = try Self.bool(options, Self.iccKey, default: true)
        masquerade = try Self.bool(options, Self.masqueradeKey, default: true)
    }

    private static func bool(_ options: [String: String], _ key: String, default value: Bool) throws(CNMError)
        -> Bool
    {
        guard let text = options[key] else { return value }
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw CNMError.invalid("options.\(key)", text, "expected true or false")
        }
    }

    /// A Linux interface name: 1–15 bytes, no '/', ':', whitespace; not "." or "..".
    static func validateInterfaceName(_ name: String, field: String) throws(CNMError) {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= 15, name != ".", name != "..",
            !bytes.contains(where: { $0 == 0x2F || $0 == 0x3A || $0 <= 0x20 || $0 >= 0x7F })
        else {
            throw CNMError.invalid(
                field, name, "not a valid interface name (1-15 characters, no '/', ':' or spaces)")
        }
    }
}
