import Store

/// The controller's records in the state store: one kind per CNM object, one
/// SQLite transaction per model change.
final class ModelStore {
    private enum Kind {
        static let network = "network"
        static let endpoint = "endpoint"
        static let sandbox = "sandbox"
    }

    private let store: StateStore

    init(directory: String) throws {
        store = try StateStore(directory: directory)
    }

    func loadNetworks() throws -> [NetworkRecord] { try store.load(Kind.network, as: NetworkRecord.self) }
    func loadEndpoints() throws -> [EndpointRecord] { try store.load(Kind.endpoint, as: EndpointRecord.self) }
    func loadSandboxes() throws -> [SandboxRecord] { try store.load(Kind.sandbox, as: SandboxRecord.self) }

    /// Runs `body` as one transaction: all of its changes are stored, or none.
    func write(_ body: (ModelTransaction) throws -> Void) throws {
        try store.write { transaction in try body(ModelTransaction(transaction: transaction)) }
    }

    func save(_ network: NetworkRecord) throws { try write { try $0.save(network) } }
    func save(_ endpoint: EndpointRecord) throws { try write { try $0.save(endpoint) } }
    func save(_ sandbox: SandboxRecord) throws { try write { try $0.save(sandbox) } }
    func deleteNetwork(_ id: String) throws { try write { try $0.deleteNetwork(id) } }
    func deleteEndpoint(_ id: String) throws { try write { try $0.deleteEndpoint(id) } }
    func deleteSandbox(_ id: String) throws { try write { try $0.deleteSandbox(id) } }

    /// The changes of one transaction.
    struct ModelTransaction {
        let transaction: StoreTransaction

        func save(_ network: NetworkRecord) throws {
            try transaction.put(Kind.network, id: network.id, network)
        }
        func save(_ endpoint: EndpointRecord) throws {
            try transaction.put(Kind.endpoint, id: endpoint.id, endpoint)
        }
        func save(_ sandbox: SandboxRecord) throws {
            try transaction.put(Kind.sandbox, id: sandbox.id, sandbox)
        }
        func deleteNetwork(_ id: String) throws { _ = try transaction.delete(kind: Kind.network, id: id) }
        func deleteEndpoint(_ id: String) throws { _ = try transaction.delete(kind: Kind.endpoint, id: id) }
        func deleteSandbox(_ id: String) throws { _ = try transaction.delete(kind: Kind.sandbox, id: id) }
    }
}
