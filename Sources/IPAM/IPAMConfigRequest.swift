/// An IPAM configuration entry as a client sends it (text fields; empty means "not given"),
/// validated as Docker's `ValidateIPAM` does, with Docker's messages (cnm.md §1.3):
/// "invalid subnet S: it should be M", "invalid ip-range R: parent subnet is an IPv4 block",
/// "invalid ip-range R: CIDR block is bigger than its parent subnet S",
/// "invalid ip-range R: parent subnet S doesn't contain ip-range",
/// "invalid gateway G: parent subnet S doesn't contain this address",
/// "invalid auxiliary address NAME: …". Several problems are reported together under
/// "invalid network config:", one per line.
public struct IPAMConfigRequest: Sendable, Hashable {
    /// Requested subnet as CIDR text, or "".
    public var subnet: String
    /// Requested ip-range as CIDR text, or "".
    public var ipRange: String
    /// Requested gateway address, or "".
    public var gateway: String
    /// Requested auxiliary addresses, name → address text.
    public var auxAddresses: [String: String]

    /// A request entry.
    public init(
        subnet: String = "", ipRange: String = "", gateway: String = "", auxAddresses: [String: String] = [:]
    ) {
        self.subnet = subnet
        self.ipRange = ipRange
        self.gateway = gateway
        self.auxAddresses = auxAddresses
    }

    /// The validated entry.
    ///
    /// - Throws: `.invalidArgument` with every problem of this entry.
    public func validated() throws(IPAMError) -> IPAMConfig {
        let (config, problems) = check()
        if let config { return config }
        throw Self.combine(problems)
    }

    /// Validates all entries of a network, reporting the problems of all of them together.
    ///
    /// - Throws: `.invalidArgument` with every problem found.
    public static func validate(_ requests: [IPAMConfigRequest]) throws(IPAMError) -> [IPAMConfig] {
        var configs: [IPAMConfig] = []
        var problems: [IPAMError] = []
        for request in requests {
            let (config, found) = request.check()
            if let config { configs.append(config) }
            problems += found
        }
        guard problems.isEmpty else { throw combine(problems) }
        return configs
    }

    /// Every problem of this entry, in field order (empty when it is valid).
    public var problems: [IPAMError] { check().problems }

    /// One error for a list of problems: the problem itself, or "invalid network config:" with
    /// one line per problem (field and value taken from the first).
    static func combine(_ problems: [IPAMError]) -> IPAMError {
        if problems.count == 1 { return problems[0] }
        return IPAMError(
            .invalidArgument, field: problems[0].field, value: problems[0].value,
            message: (["invalid network config:"] + problems.map(\.message)).joined(separator: "\n"))
    }

    private func check() -> (config: IPAMConfig?, problems: [IPAMError]) {
        guard !subnet.isEmpty else { return checkWithoutSubnet() }
        let parsedSubnet: IPSubnet
        do {
            parsedSubnet = try IPSubnet.parse(subnet, field: "subnet")
        } catch {
            return (nil, [error])
        }
        var config = IPAMConfig(subnet: parsedSubnet)
        var problems: [IPAMError] = []
        if !ipRange.isEmpty {
            switch Self.checkRange(ipRange, in: parsedSubnet) {
            case .success(let range): config.ipRange = range
            case .failure(let failure): problems += failure.errors
            }
        }
        if !gateway.isEmpty {
            switch Self.checkAddress(gateway, in: parsedSubnet) {
            case .success(let address): config.gateway = address
            case .failure(let failure): problems.append(.invalid("gateway", gateway, failure.reason))
            }
        }
        for name in auxAddresses.keys.sorted() {
            switch Self.checkAddress(auxAddresses[name]!, in: parsedSubnet) {
            case .success(let address): config.auxAddresses[name] = address
            case .failure(let failure): problems.append(.invalid("auxiliary address", name, failure.reason))
            }
        }
        return (problems.isEmpty ? config : nil, problems)
    }

    private func checkWithoutSubnet() -> (config: IPAMConfig?, problems: [IPAMError]) {
        var problems: [IPAMError] = []
        if !ipRange.isEmpty {
            problems.append(.invalid("ip-range", ipRange, "an ip-range requires a subnet"))
        }
        if !gateway.isEmpty {
            problems.append(.invalid("gateway", gateway, "a gateway requires a subnet"))
        }
        for name in auxAddresses.keys.sorted() {
            problems.append(.invalid("auxiliary address", name, "an auxiliary address requires a subnet"))
        }
        return (problems.isEmpty ? IPAMConfig() : nil, problems)
    }

    private struct Failure: Error {
        var reason = ""
        var errors: [IPAMError] = []
    }

    private static func checkRange(_ text: String, in subnet: IPSubnet) -> Result<IPSubnet, Failure> {
        let address: IPAddress
        let prefixLength: Int
        do {
            (address, prefixLength) = try IPSubnet.parseCIDR(text, field: "ip-range")
        } catch {
            return .failure(Failure(errors: [error]))
        }
        guard address.family == subnet.family else {
            return .failure(
                Failure(errors: [.invalid("ip-range", text, "parent subnet is an \(subnet.family) block")]))
        }
        let range = IPSubnet(containing: address, prefixLength: prefixLength)
        var errors: [IPAMError] = []
        if prefixLength < subnet.prefixLength {
            errors.append(.invalid("ip-range", text, "CIDR block is bigger than its parent subnet \(subnet)"))
        }
        if range.address != address {
            errors.append(.invalid("ip-range", text, "it should be \(range)"))
        }
        if !subnet.overlaps(range) {
            errors.append(.invalid("ip-range", text, "parent subnet \(subnet) doesn't contain ip-range"))
        }
        return errors.isEmpty ? .success(range) : .failure(Failure(errors: errors))
    }

    private static func checkAddress(_ text: String, in subnet: IPSubnet) -> Result<IPAddress, Failure> {
        guard let address = IPAddress(text) else { return .failure(Failure(reason: "invalid address")) }
        guard address.family == subnet.family else {
            return .failure(Failure(reason: "parent subnet is an \(subnet.family) block"))
        }
        guard subnet.contains(address) else {
            return .failure(Failure(reason: "parent subnet \(subnet) doesn't contain this address"))
        }
        return .success(address)
    }
}
