/// The controller's records of one kind, by ID, with the indexes its rules need:
/// a unique name key (a network's or sandbox's name; an endpoint's `network/name`)
/// and an optional group (an endpoint's network). Every write keeps them in step,
/// so lookups and the per-operation checks do not scan all records — the cost of
/// an operation does not grow with the number of networks or endpoints.
struct RecordTable<Record> {
    private(set) var byID: [String: Record] = [:]
    private var idByName: [String: String] = [:]
    private var idsByGroup: [String: Set<String>] = [:]
    private let nameKey: (Record) -> String
    private let groupKey: (Record) -> String?

    init(nameKey: @escaping (Record) -> String, groupKey: @escaping (Record) -> String? = { _ in nil }) {
        self.nameKey = nameKey
        self.groupKey = groupKey
    }

    subscript(id: String) -> Record? {
        get { byID[id] }
        set {
            if let old = byID[id] {
                idByName[nameKey(old)] = nil
                if let group = groupKey(old) {
                    idsByGroup[group]?.remove(id)
                    if idsByGroup[group]?.isEmpty == true { idsByGroup[group] = nil }
                }
            }
            byID[id] = newValue
            if let new = newValue {
                idByName[nameKey(new)] = id
                if let group = groupKey(new) { idsByGroup[group, default: []].insert(id) }
            }
        }
    }

    var values: Dictionary<String, Record>.Values { byID.values }
    var keys: Dictionary<String, Record>.Keys { byID.keys }
    var count: Int { byID.count }

    /// The record whose name key is `key`.
    func record(named key: String) -> Record? { idByName[key].flatMap { byID[$0] } }

    /// The records of a group (an endpoint table's network).
    func records(inGroup group: String) -> [Record] {
        (idsByGroup[group] ?? []).compactMap { byID[$0] }
    }

    func hasRecords(inGroup group: String) -> Bool { !(idsByGroup[group]?.isEmpty ?? true) }
}
