import DNS

/// Two networks as the controller would publish them: the client at 127.0.0.1 is on "frontend",
/// the client at 127.0.0.2 on "backend".
enum Fixtures {
    static let frontendClient = DNSAddress("127.0.0.1")!
    static let backendClient = DNSAddress("127.0.0.2")!
    static let web4 = DNSAddress("10.89.0.2")!
    static let web6 = DNSAddress("fd89::2")!
    static let db1 = DNSAddress("10.89.0.3")!
    static let db2 = DNSAddress("10.89.0.4")!
    static let secret = DNSAddress("10.90.0.2")!

    static let table = DNSRecordTable(networks: [
        DNSRecordTable.Network(
            name: "frontend",
            members: [
                .init(sandbox: "client1", names: ["client1"], addresses: [frontendClient]),
                .init(sandbox: "web", names: ["web", "www"], addresses: [web4, web6]),
                .init(sandbox: "db1", names: ["db1", "db"], addresses: [db1]),
                .init(sandbox: "db2", names: ["db2", "db"], addresses: [db2]),
            ]),
        DNSRecordTable.Network(
            name: "backend",
            members: [
                .init(sandbox: "client2", names: ["client2"], addresses: [backendClient]),
                .init(sandbox: "secret", names: ["secret"], addresses: [secret]),
            ]),
    ])
}

extension DNSMessage {
    /// The addresses among the answers, as a set (answers come shuffled).
    var answerAddresses: Set<DNSAddress> {
        Set(
            answers.compactMap {
                if case .address(let address) = $0.data { return address }
                return nil
            })
    }
}
