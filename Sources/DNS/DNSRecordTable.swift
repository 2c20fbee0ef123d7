/// An immutable snapshot of every network's DNS names, answering queries as Docker's embedded DNS
/// does: a client sees the names of every network its sandbox is on, by plain name or as
/// `name.network`, and the PTR name `name.network` for their addresses.
///
/// Names are looked up in the client's networks in the order given; the first network that has the
/// name answers, with every address filed under it (an alias on two members gives both). A name or
/// address that some network has but the client cannot see is NXDOMAIN, so internal names never
/// leak upstream; anything else is `notOwned` and goes upstream. Build a new table on every change
/// and publish it through `PublishedDNSRecords`.
public struct DNSRecordTable: DNSRecordSource, Sendable {
    /// One endpoint on one network: the sandbox it joins, its names and its addresses there.
    public struct Member: Hashable, Sendable {
        /// The sandbox's identity; the same on every network the sandbox joins.
        public var sandbox: String
        /// Container name, aliases, short ID…: the first one names the PTR record.
        public var names: [String]
        public var addresses: [DNSAddress]

        public init(sandbox: String, names: [String], addresses: [DNSAddress]) {
            self.sandbox = sandbox
            self.names = names
            self.addresses = addresses
        }
    }

    /// One network with embedded DNS and its members.
    public struct Network: Hashable, Sendable {
        public var name: String
        public var members: [Member]

        public init(name: String, members: [Member]) {
            self.name = name
            self.members = members
        }
    }

    /// One network's index: lower-cased name → addresses, address → PTR target.
    private struct Zone: Sendable {
        var addressesByName: [String: [DNSAddress]] = [:]
        var pointers: [DNSAddress: DNSName] = [:]
    }

    private var zones: [Zone] = []
    private var zoneByNetworkName: [String: Int] = [:]
    private var zonesBySandbox: [String: [Int]] = [:]
    private var sandboxByAddress: [DNSAddress: String] = [:]
    private var knownNames: Set<String> = []
    private var knownAddresses: Set<DNSAddress> = []

    /// A table with no networks: every query is `notOwned`.
    public static let empty = DNSRecordTable(networks: [])

    public init(networks: [Network]) {
        for network in networks {
            let index = zones.count
            let networkKey = Self.key(network.name)
            var zone = Zone()
            for member in network.members {
                for address in member.addresses {
                    sandboxByAddress[address] = member.sandbox
                    knownAddresses.insert(address)
                }
                if zonesBySandbox[member.sandbox]?.last != index {
                    zonesBySandbox[member.sandbox, default: []].append(index)
                }
                let keys = member.names.map(Self.key).filter { !$0.isEmpty }
                for key in keys {
                    zone.addressesByName[key, default: []].append(contentsOf: member.addresses)
                    knownNames.insert(key)
                    knownNames.insert(key + "." + networkKey)
                }
                if let first = keys.first, let target = try? DNSName(first + "." + networkKey) {
                    for address in member.addresses where zone.pointers[address] == nil {
                        zone.pointers[address] = target
                    }
                }
            }
            if zoneByNetworkName[networkKey] == nil { zoneByNetworkName[networkKey] = index }
            zones.append(zone)
        }
    }

    public func lookup(_ query: DNSQuery) -> DNSLookupResult {
        let visible = sandboxByAddress[query.client].flatMap { zonesBySandbox[$0] } ?? []
        if query.type == .ptr, let address = DNSAddress(reverseName: query.name) {
            for index in visible {
                if let target = zones[index].pointers[address] { return .records([.pointer(target)]) }
            }
            return knownAddresses.contains(address) ? .nonExistent : .notOwned
        }
        let key = query.name.lowercasedText
        if let addresses = addresses(for: key, in: visible) {
            return .records(
                addresses.filter { Self.answers(query.type, with: $0) }.map(DNSRecordData.address))
        }
        return knownNames.contains(key) ? .nonExistent : .notOwned
    }

    /// The addresses of `key` in the first visible network that has it, also as `name.network`.
    private func addresses(for key: String, in visible: [Int]) -> [DNSAddress]? {
        for index in visible {
            if let addresses = zones[index].addressesByName[key] { return addresses }
        }
        var dot = key.firstIndex(of: ".")
        while let split = dot {
            let suffix = String(key[key.index(after: split)...])
            if let index = zoneByNetworkName[suffix], visible.contains(index),
                let addresses = zones[index].addressesByName[String(key[..<split])]
            {
                return addresses
            }
            dot = key[key.index(after: split)...].firstIndex(of: ".")
        }
        return nil
    }

    private static func answers(_ type: DNSRecordType, with address: DNSAddress) -> Bool {
        switch type {
        case .a: return address.isIPv4
        case .aaaa: return !address.isIPv4
        case .any: return true
        default: return false
        }
    }

    private static func key(_ name: String) -> String {
        (try? DNSName(name))?.lowercasedText ?? ""
    }
}
