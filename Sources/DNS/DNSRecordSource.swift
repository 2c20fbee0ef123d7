/// What the embedded resolver asks for every query: the controller implements it and knows,
/// from the client's address, which sandbox asks and so which networks' names it may see.
///
/// `lookup` runs on the server's event loops for every query, so it must be fast and must not
/// block: answer from an immutable snapshot (see `DNSRecordTable` and `PublishedDNSRecords`),
/// never from a database or a lock held across I/O.
public protocol DNSRecordSource: Sendable {
    func lookup(_ query: DNSQuery) -> DNSLookupResult
}

/// One question as the record source sees it.
public struct DNSQuery: Hashable, Sendable {
    /// The name asked for, as asked (compare with `==` or `lowercasedText`: names ignore case).
    public var name: DNSName
    public var type: DNSRecordType
    /// The address the query came from: the asking sandbox's address on the network it asked on.
    public var client: DNSAddress

    public init(name: DNSName, type: DNSRecordType, client: DNSAddress) {
        self.name = name
        self.type = type
        self.client = client
    }
}

/// The record source's verdict on a query.
public enum DNSLookupResult: Hashable, Sendable {
    /// The name is ours: these records answer it. The server sets the TTL, the owner name and the
    /// order (address records are shuffled). An empty list means the name exists but has no record of
    /// the asked type (NOERROR, no answer).
    case records([DNSRecordData])
    /// The name is ours to know and does not exist for this client: NXDOMAIN, never forwarded.
    case nonExistent
    /// Not one of our names: the server forwards the query upstream (or refuses it).
    case notOwned
}
