/// The host ports taken by published bindings, and the bridge each binding belongs to.
///
/// A second binding of a taken port is refused (`host port 8080/tcp is already allocated`), as
/// Docker does; binding the identical port again is not a conflict (it makes adds idempotent).
struct PortRegistry: Sendable {
    private struct Key: Hashable {
        let proto: TransportProtocol
        let port: UInt16
        let family: IPFamily
    }

    /// Bindings grouped by what can conflict, so a check looks at a handful of entries.
    private var byKey: [Key: [ResolvedBinding: String?]] = [:]

    /// Every registered binding with its bridge (nil when it could not be attributed to one).
    var all: [(binding: ResolvedBinding, bridge: String?)] {
        byKey.values.flatMap { $0.map { (binding: $0.key, bridge: $0.value) } }
    }

    /// Which of `bindings` are new. Throws `portAlreadyAllocated` if one of them conflicts with a
    /// registered binding or with an earlier one in the list; the registry is not changed.
    func newBindings(_ bindings: [ResolvedBinding]) throws(FirewallError) -> [ResolvedBinding] {
        var accepted: [ResolvedBinding] = []
        for binding in bindings {
            let existing = byKey[Self.key(binding)] ?? [:]
            if existing[binding] != nil || accepted.contains(binding) { continue }
            if existing.keys.contains(where: binding.conflicts)
                || accepted.contains(where: binding.conflicts)
            {
                throw .portAlreadyAllocated(binding.binding)
            }
            accepted.append(binding)
        }
        return accepted
    }

    func contains(_ binding: ResolvedBinding) -> Bool {
        byKey[Self.key(binding)]?[binding] != nil
    }

    func bindings(onBridge bridge: String) -> [ResolvedBinding] {
        all.filter { $0.bridge == bridge }.map(\.binding)
    }

    mutating func insert(_ binding: ResolvedBinding, bridge: String?) {
        byKey[Self.key(binding), default: [:]][binding] = bridge
    }

    mutating func remove(_ binding: ResolvedBinding) {
        let key = Self.key(binding)
        byKey[key]?[binding] = nil
        if byKey[key]?.isEmpty == true { byKey[key] = nil }
    }

    mutating func removeAll() {
        byKey = [:]
    }

    private static func key(_ binding: ResolvedBinding) -> Key {
        Key(proto: binding.proto, port: binding.hostPort, family: binding.family)
    }
}
