import Synchronization

/// The record source a running server reads: the controller publishes a fresh `DNSRecordTable`
/// after each change, and every later query sees it at once — no listener restarts.
///
/// A query holds the lock only to copy the table reference (a few reference-count operations),
/// never while answering.
public final class PublishedDNSRecords: DNSRecordSource, Sendable {
    private let table: Mutex<DNSRecordTable>

    public init(_ table: DNSRecordTable = .empty) {
        self.table = Mutex(table)
    }

    /// Replaces the table every later query reads.
    public func publish(_ table: DNSRecordTable) {
        self.table.withLock { $0 = table }
    }

    /// The table queries read now.
    public var current: DNSRecordTable {
        table.withLock { $0 }
    }

    public func lookup(_ query: DNSQuery) -> DNSLookupResult {
        current.lookup(query)
    }
}
