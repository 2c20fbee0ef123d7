import DNS
import Synchronization

/// The record source of the embedded DNS, kept up to date member by member.
///
/// The controller reports each change in O(1) (a network with DNS added or removed,
/// an endpoint joined or left); the immutable `DNSRecordTable` the resolver answers
/// from is rebuilt on the first query after a change. A burst of connects thus costs
/// no table builds, and a query always sees the last change: connect and disconnect
/// are visible at once.
final class DNSMembership: DNSRecordSource, Sendable {
    private struct NetworkEntry {
        var name: String
        var members: [String: DNSRecordTable.Member] = [:]
    }
    private struct State {
        var networks: [String: NetworkEntry] = [:]
        var table: DNSRecordTable? = DNSRecordTable.empty
    }
    private let state = Mutex(State())

    func addNetwork(id: String, name: String) {
        state.withLock { state in
            if state.networks[id] == nil { state.networks[id] = NetworkEntry(name: name) }
            state.table = nil
        }
    }

    func removeNetwork(id: String) {
        state.withLock { state in
            state.networks[id] = nil
            state.table = nil
        }
    }

    func setMember(networkID: String, endpointID: String, _ member: DNSRecordTable.Member) {
        state.withLock { state in
            guard state.networks[networkID] != nil else { return }
            state.networks[networkID]?.members[endpointID] = member
            state.table = nil
        }
    }

    func removeMember(networkID: String, endpointID: String) {
        state.withLock { state in
            guard state.networks[networkID]?.members.removeValue(forKey: endpointID) != nil else { return }
            state.table = nil
        }
    }

    /// Replaces everything (start-up).
    func reset(_ networks: [(id: String, name: String, members: [String: DNSRecordTable.Member])]) {
        state.withLock { state in
            state.networks = [:]
            for network in networks {
                state.networks[network.id] = NetworkEntry(name: network.name, members: network.members)
            }
            state.table = nil
        }
    }

    /// The table the resolver answers from (built now if a change is pending).
    var current: DNSRecordTable {
        state.withLock { state in
            if let table = state.table { return table }
            let table = DNSRecordTable(
                networks: state.networks.values.sorted { $0.name < $1.name }.map { entry in
                    DNSRecordTable.Network(
                        name: entry.name,
                        members: entry.members.keys.sorted().compactMap { entry.members[$0] })
                })
            state.table = table
            return table
        }
    }

    func lookup(_ query: DNSQuery) -> DNSLookupResult { current.lookup(query) }
}
