/// How the controller is set up; cnmd fills it from its flags.
public struct ControllerConfiguration: Sendable {
    /// Where the SQLite store lives (`--state-dir`).
    public var stateDirectory: String
    /// `--default-address-pool base=CIDR,size=N`, as given (empty: the built-in pools).
    public var defaultAddressPools: [String]
    /// Name of the default network's bridge (`--bridge-name`).
    public var defaultBridgeName: String
    /// Subnet of the default network (`--bridge-subnet`); empty: 172.17.0.0/16 or the first free /16.
    public var defaultBridgeSubnet: String
    /// Whether cnmd programs nftables (`--firewall nftables|none`).
    public var firewallEnabled: Bool
    /// Where the embedded DNS forwards names it does not own (`--dns-upstream`).
    public var dnsUpstream: DNSUpstreamSetting
    /// Whether the default bridge gets embedded DNS too (`--default-bridge-dns`).
    public var defaultBridgeDNS: Bool
    /// Where named sandboxes' files live (`/etc/netns`, read by `ip netns exec`).
    public var netnsEtcDirectory: String
    /// The resolv.conf cnmd reads for the host's nameservers.
    public var hostResolvConf: String
    /// A seed for the IPv6 ULA prefix (the machine ID).
    public var machineID: String
    /// The port of the embedded DNS on each gateway (53); nil turns it off.
    public var dnsPort: Int?

    public init(
        stateDirectory: String = "/var/lib/cnm", defaultAddressPools: [String] = [],
        defaultBridgeName: String = "cnm0", defaultBridgeSubnet: String = "", firewallEnabled: Bool = true,
        dnsUpstream: DNSUpstreamSetting = .host, defaultBridgeDNS: Bool = false,
        netnsEtcDirectory: String = "/etc/netns",
        hostResolvConf: String = "/etc/resolv.conf", machineID: String = "", dnsPort: Int? = 53
    ) {
        self.stateDirectory = stateDirectory
        self.defaultAddressPools = defaultAddressPools
        self.defaultBridgeName = defaultBridgeName
        self.defaultBridgeSubnet = defaultBridgeSubnet
        self.firewallEnabled = firewallEnabled
        self.dnsUpstream = dnsUpstream
        self.defaultBridgeDNS = defaultBridgeDNS
        self.netnsEtcDirectory = netnsEtcDirectory
        self.hostResolvConf = hostResolvConf
        self.machineID = machineID
        self.dnsPort = dnsPort
    }
}

/// `--dns-upstream host|none|IP[:PORT]`.
public enum DNSUpstreamSetting: Sendable, Equatable {
    case host
    case none
    case server(String)

    /// Parses the flag's value; throws `invalid_argument` naming it.
    public init(parsing text: String) throws(CNMError) {
        switch text {
        case "host": self = .host
        case "none": self = .none
        case "": throw CNMError.invalid("dns-upstream", text, "expected host, none or IP[:PORT]")
        default: self = .server(text)
        }
    }
}

extension ControllerConfiguration {
    /// Whether the embedded DNS runs (off only for in-process tests whose controller lives in
    /// a namespace other than the process's: its sockets would bind in the wrong one).
    public var embeddedDNSEnabled: Bool {
        get { dnsPort != nil }
        set { dnsPort = newValue ? (dnsPort ?? 53) : nil }
    }
}
