import CNMAPI

/// What `cnm network ls` prints.
public enum NetworkListing {
    /// The networks sorted by name: a table (`NETWORK ID`, `NAME`, `DRIVER`, `SCOPE`), only the
    /// short IDs when `quiet`, or a JSON array.
    public static func render(_ networks: [Cnm_V1_Network], format: ListFormat, quiet: Bool) throws -> String
    {
        let sorted = networks.sorted { $0.name < $1.name }
        if quiet {
            return sorted.map { ShortID.of($0.id) + "\n" }.joined()
        }
        switch format {
        case .json:
            return try APIJSON.array(sorted) + "\n"
        case .table:
            return TextTable(
                header: ["NETWORK ID", "NAME", "DRIVER", "SCOPE"],
                rows: sorted.map { [ShortID.of($0.id), $0.name, $0.driver, $0.scope] }
            ).rendered()
        }
    }
}
