import CNMAPI

/// What `cnm endpoint ls` prints.
public enum EndpointListing {
    /// The endpoints sorted by network, then name: `ENDPOINT ID`, `NAME`, `NETWORK`, `SANDBOX`
    /// (its name, else its short ID; empty when not joined), `IPV4 ADDRESS`, `IPV6 ADDRESS`.
    public static func render(_ endpoints: [Cnm_V1_Endpoint]) -> String {
        let sorted = endpoints.sorted {
            ($0.networkName, $0.name) < ($1.networkName, $1.name)
        }
        return TextTable(
            header: ["ENDPOINT ID", "NAME", "NETWORK", "SANDBOX", "IPV4 ADDRESS", "IPV6 ADDRESS"],
            rows: sorted.map {
                [
                    ShortID.of($0.id), $0.name, $0.networkName,
                    $0.sandboxName.isEmpty ? ShortID.of($0.sandboxID) : $0.sandboxName, $0.ipv4Address,
                    $0.ipv6Address,
                ]
            }
        ).rendered()
    }
}
