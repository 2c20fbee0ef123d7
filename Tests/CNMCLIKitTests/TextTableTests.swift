import CNMAPI
import Testing

@testable import CNMCLIKit

@Suite("Tables like docker network ls")
struct TextTableTests {
    @Test(
        "columns are left-aligned, padded to the widest cell plus 3, at least 10 wide; the last is not padded"
    )
    func padsLikeTabwriter() {
        let table = TextTable(
            header: ["NETWORK ID", "NAME", "DRIVER", "SCOPE"],
            rows: [
                ["0123456789ab", "bridge", "bridge", "local"],
                ["ba9876543210", "a-long-network-name", "macvlan", "local"],
            ])
        #expect(
            table.rendered() == """
                NETWORK ID     NAME                  DRIVER    SCOPE
                0123456789ab   bridge                bridge    local
                ba9876543210   a-long-network-name   macvlan   local

                """)
    }

    @Test("a table without rows is its header line")
    func headerOnly() {
        #expect(TextTable(header: ["A", "B"], rows: []).rendered() == "A         B\n")
    }
}

@Suite("cnm network ls output")
struct NetworkListingTests {
    private func network(_ name: String, id: String, driver: String = "bridge") -> Cnm_V1_Network {
        var network = Cnm_V1_Network()
        network.name = name
        network.id = id
        network.driver = driver
        network.scope = "local"
        return network
    }

    private var networks: [Cnm_V1_Network] {
        [
            network("web", id: "c0ffee" + String(repeating: "1", count: 58)),
            network("bridge", id: "b1d9e" + String(repeating: "2", count: 59)),
            network("host", id: "40570" + String(repeating: "3", count: 59), driver: "host"),
        ]
    }

    @Test("the table has docker's header, 12-hex IDs and rows sorted by name")
    func table() throws {
        #expect(
            try NetworkListing.render(networks, format: .table, quiet: false) == """
                NETWORK ID     NAME      DRIVER    SCOPE
                b1d9e2222222   bridge    bridge    local
                405703333333   host      host      local
                c0ffee111111   web       bridge    local

                """)
    }

    @Test("-q prints only the 12-hex IDs, in name order")
    func quiet() throws {
        #expect(
            try NetworkListing.render(networks, format: .table, quiet: true)
                == "b1d9e2222222\n405703333333\nc0ffee111111\n")
    }

    @Test("--format json prints one indented array of the API's objects, in name order")
    func json() throws {
        let output = try NetworkListing.render(Array(networks.prefix(2)), format: .json, quiet: false)
        let bridgeID = "b1d9e" + String(repeating: "2", count: 59)
        let webID = "c0ffee" + String(repeating: "1", count: 58)
        #expect(
            output == """
                [
                    {
                        "id": "\(bridgeID)",
                        "name": "bridge",
                        "driver": "bridge",
                        "scope": "local"
                    },
                    {
                        "id": "\(webID)",
                        "name": "web",
                        "driver": "bridge",
                        "scope": "local"
                    }
                ]

                """)
    }

    @Test("no networks in JSON is an empty array")
    func emptyJSON() throws {
        #expect(try NetworkListing.render([], format: .json, quiet: false) == "[]\n")
    }
}

@Suite("cnm sandbox ls and endpoint ls output")
struct OtherListingTests {
    @Test("endpoints are sorted by network then name, show the sandbox by name or short ID, and addresses")
    func endpoints() {
        func endpoint(_ name: String, network: String, sandbox: String = "", sandboxID: String = "")
            -> Cnm_V1_Endpoint
        {
            var endpoint = Cnm_V1_Endpoint()
            endpoint.id = name + String(repeating: "0", count: 64 - name.count)
            endpoint.name = name
            endpoint.networkName = network
            endpoint.sandboxName = sandbox
            endpoint.sandboxID = sandboxID
            endpoint.ipv4Address = "10.0.0.2/24"
            return endpoint
        }
        let output = EndpointListing.render([
            endpoint("b", network: "web", sandbox: "box1"),
            endpoint("a", network: "web", sandboxID: "feedface" + String(repeating: "9", count: 56)),
            endpoint("z", network: "db"),
        ])
        #expect(
            output == """
                ENDPOINT ID    NAME      NETWORK   SANDBOX        IPV4 ADDRESS   IPV6 ADDRESS
                z00000000000   z         db                       10.0.0.2/24    
                a00000000000   a         web       feedface9999   10.0.0.2/24    
                b00000000000   b         web       box1           10.0.0.2/24    

                """)
    }

    @Test("sandboxes are sorted by name with their endpoint count and namespace path")
    func sandboxes() {
        var one = Cnm_V1_Sandbox()
        one.id = String(repeating: "1", count: 64)
        one.name = "web1"
        one.hostname = "web1"
        one.netnsPath = "/run/netns/web1"
        one.endpoints = ["e1", "e2"]
        var two = one
        two.id = String(repeating: "2", count: 64)
        two.name = "app"
        two.endpoints = []
        #expect(
            SandboxListing.render([one, two]) == """
                SANDBOX ID     NAME      HOSTNAME   ENDPOINTS   NETNS
                222222222222   app       web1       0           /run/netns/web1
                111111111111   web1      web1       2           /run/netns/web1

                """)
    }
}
