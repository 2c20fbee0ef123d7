/// What an endpoint join needs to know about the sandbox side.
struct JoinContext: Sendable {
    let sandbox: SandboxNamespace
    /// The name of the interface inside the sandbox (eth0, eth1, …).
    let interfaceName: String
    /// Whether this network gives the sandbox its default route.
    let providesDefaultRoute: Bool
}

/// The kernel side of one kind of network. Drivers are stateless: the controller
/// passes the records; a driver only turns them into kernel objects and back.
protocol NetworkDriver: Sendable {
    func createNetwork(_ network: NetworkRecord) throws
    func deleteNetwork(_ network: NetworkRecord) throws
    /// Creates the endpoint's interfaces; returns the host-side interface name, if any.
    func join(_ endpoint: EndpointRecord, network: NetworkRecord, context: JoinContext) throws -> String?
    func leave(_ endpoint: EndpointRecord, network: NetworkRecord) throws
    /// Adds the default route through this network inside the sandbox (after the previous provider left).
    func addDefaultRoute(_ endpoint: EndpointRecord, network: NetworkRecord, sandbox: SandboxNamespace) throws
}

/// The host and null drivers: their one (predefined) network has no kernel object,
/// and their endpoints only record membership (the sandbox is the host's namespace,
/// or has loopback only).
struct PassiveDriver: NetworkDriver {
    let kind: String

    func createNetwork(_ network: NetworkRecord) throws {}
    func deleteNetwork(_ network: NetworkRecord) throws {}
    func join(_ endpoint: EndpointRecord, network: NetworkRecord, context: JoinContext) throws -> String? {
        nil
    }
    func leave(_ endpoint: EndpointRecord, network: NetworkRecord) throws {}
    func addDefaultRoute(_ endpoint: EndpointRecord, network: NetworkRecord, sandbox: SandboxNamespace) throws
    {}
}
