import CNMCore

/// The `filters` of WatchEvents: every key given must match (values of one key are
/// alternatives), as `docker events --filter` does.
///
/// - `type`, `action`: the event's type and action.
/// - `network`, `sandbox`, `endpoint`: the actor of an event of that type (name, full ID or
///   ID prefix), or the attribute of that name (ConnectSandbox events carry `sandbox` and
///   `endpoint`).
/// - any other key: the actor's attribute of that name.
struct EventFilter: Sendable {
    let filters: [String: [String]]

    init(_ filters: [String: [String]]) {
        self.filters = filters.filter { !$0.value.isEmpty }
    }

    func matches(_ event: ControllerEvent) -> Bool {
        self.filters.allSatisfy { key, values in
            values.contains { self.matches(event, key: key, value: $0) }
        }
    }

    private func matches(_ event: ControllerEvent, key: String, value: String) -> Bool {
        switch key {
        case "type":
            return event.type == value
        case "action":
            return event.action == value
        case "network", "sandbox", "endpoint":
            if event.type == key,
                event.actorName == value || (!value.isEmpty && event.actorID.hasPrefix(value))
            {
                return true
            }
            return event.attributes[key] == value
        default:
            return event.attributes[key] == value
        }
    }
}
