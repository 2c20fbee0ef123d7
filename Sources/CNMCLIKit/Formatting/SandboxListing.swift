import CNMAPI

/// What `cnm sandbox ls` prints.
public enum SandboxListing {
    /// The sandboxes sorted by name: `SANDBOX ID`, `NAME`, `HOSTNAME`, `ENDPOINTS` (how many),
    /// `NETNS` (the namespace's path).
    public static func render(_ sandboxes: [Cnm_V1_Sandbox]) -> String {
        TextTable(
            header: ["SANDBOX ID", "NAME", "HOSTNAME", "ENDPOINTS", "NETNS"],
            rows: sandboxes.sorted { $0.name < $1.name }.map {
                [ShortID.of($0.id), $0.name, $0.hostname, String($0.endpoints.count), $0.netnsPath]
            }
        ).rendered()
    }
}
