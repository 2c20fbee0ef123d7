import CNMAPI

/// `--filter KEY=VALUE` arguments grouped by key, as the list methods take them.
public enum Filters {
    /// `name=a`, `name=b`, `driver=bridge` → `["name": ["a", "b"], "driver": ["bridge"]]`,
    /// values in the order given.
    public static func apiFilters(_ pairs: [KeyValue]) -> [String: Cnm_V1_FilterValues] {
        var filters: [String: Cnm_V1_FilterValues] = [:]
        for pair in pairs {
            filters[pair.key, default: Cnm_V1_FilterValues()].values.append(pair.value)
        }
        return filters
    }
}
