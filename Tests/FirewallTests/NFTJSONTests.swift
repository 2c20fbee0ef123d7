import Testing

@testable import Firewall

@Suite("reading nft's JSON listing")
struct NFTJSONTests {
    /// Abridged from `nft -j list table inet cnm` (nftables 1.0.6).
    private let listing = """
        {"nftables": [{"metainfo": {"version": "1.0.6", "json_schema_version": 1}},
        {"table": {"family": "inet", "name": "cnm", "handle": 1}},
        {"set": {"family": "inet", "name": "cnm_bridges", "table": "cnm", "type": "ifname", "handle": 2, "elem": ["br1", "br2"]}},
        {"set": {"family": "inet", "name": "cnm_nets4", "table": "cnm", "type": ["ifname", "ipv4_addr"], "handle": 3,
          "flags": ["interval"], "elem": [{"concat": ["br1", {"prefix": {"addr": "10.1.0.0", "len": 24}}]},
          {"concat": ["br2", "10.2.0.7"]}]}},
        {"set": {"family": "inet", "name": "cnm_masq", "table": "cnm", "type": "ifname", "handle": 4, "elem": ["br1"]}},
        {"map": {"family": "inet", "name": "cnm_dnat4", "table": "cnm", "type": ["ipv4_addr", "inet_proto", "inet_service"],
          "handle": 5, "map": "ipv4_addr . inet_service",
          "elem": [[{"concat": ["192.0.2.1", "tcp", 8080]}, {"concat": ["10.1.0.2", 80]}]]}},
        {"map": {"family": "inet", "name": "cnm_dnat6_any", "table": "cnm", "type": ["inet_proto", "inet_service"],
          "handle": 6, "map": "ipv6_addr . inet_service",
          "elem": [[{"concat": [17, 53]}, {"concat": ["fd00::2", 53]}]]}},
        {"chain": {"family": "inet", "table": "cnm", "name": "forward", "handle": 7}},
        {"rule": {"family": "inet", "table": "cnm", "chain": "forward", "handle": 8, "expr": [{"accept": null}]}},
        {"rule": {"family": "inet", "table": "cnm", "chain": "forward", "handle": 9, "expr": [{"drop": null}]}}
        ]}
        """

    @Test("sets, interval concatenations and maps are read back as networks and port bindings")
    func readsElements() throws {
        let elements = try FirewallElements(table: NFTJSON.parseTable(listing))
        #expect(elements.bridges == ["br1", "br2"])
        #expect(elements.subnets == ["br1": ["10.1.0.0/24"], "br2": ["10.2.0.7/32"]])
        #expect(elements.masqueradedBridges == ["br1"])
        #expect(
            elements.portBindings == [
                PortBinding(hostIP: "192.0.2.1", hostPort: 8080, containerIP: "10.1.0.2", containerPort: 80),
                PortBinding(hostPort: 53, containerIP: "fd00::2", containerPort: 53, proto: .udp),
            ])
        #expect(elements.elementCount == 7)
        #expect(elements.ruleCount == 2)
        #expect(elements.networks.map(\.network.masquerade) == [true, false])
    }

    @Test("output that is not nft's JSON is an error, not an empty table")
    func rejectsOtherOutput() {
        #expect(throws: NFTJSON.ParseError.self) { try NFTJSON.parseTable("{\"tables\": []}") }
    }
}
