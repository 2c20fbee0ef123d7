import CNMAPI

/// What `cnm version` and `cnm info` print.
public enum SystemReport {
    /// Client and server versions, like `docker version`.
    public static func version(client: String, server: Cnm_V1_GetVersionResponse) -> String {
        var lines = [
            "Client:",
            " Version:     \(client)",
            "Server:",
            " Version:     \(server.version)",
            " API version: \(server.apiVersion)",
        ]
        if !server.gitCommit.isEmpty { lines.append(" Git commit:  \(server.gitCommit)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Counts, drivers, store and the last reconciliation, like `docker info`.
    public static func info(_ info: Cnm_V1_GetInfoResponse) -> String {
        var lines = [
            "Networks: \(info.networks)",
            "Endpoints: \(info.endpoints)",
            "Sandboxes: \(info.sandboxes)",
            "Drivers: \(info.drivers.joined(separator: " "))",
            "Store: \(info.store)",
            "State dir: \(info.stateDir)",
        ]
        if info.hasLastReconcile {
            let report = info.lastReconcile
            lines.append(
                "Last reconcile: \(EventLine.timestamp(report.startedAt)) (\(report.durationMs) ms, "
                    + "\(report.repaired.count) repaired)")
            lines += report.repaired.map { " \($0)" }
        } else {
            lines.append("Last reconcile: none")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
