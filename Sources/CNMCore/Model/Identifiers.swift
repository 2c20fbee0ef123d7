import Foundation

/// IDs and names of CNM objects: 64 hex characters; names as Docker accepts them.
enum Identifiers {
    /// A new random 64-hex-character ID.
    static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        var text = ""
        text.reserveCapacity(64)
        for _ in 0..<4 {
            let word = generator.next() as UInt64
            let hex = String(word, radix: 16)
            text += String(repeating: "0", count: 16 - hex.count) + hex
        }
        return text
    }

    /// Checks a network, sandbox or endpoint name: `[a-zA-Z0-9][a-zA-Z0-9_.-]*`, at most 64 characters.
    static func validateName(_ name: String, field: String = "name") throws(CNMError) {
        if name.isEmpty { throw CNMError(.invalidArgument, "invalid \(field): name is empty") }
        if name.utf8.count > 64 {
            throw CNMError.invalid(field, name, "at most 64 characters are allowed")
        }
        for (offset, byte) in name.utf8.enumerated() {
            let isAlnum =
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A)
                || (byte >= 0x61 && byte <= 0x7A)
            let isPunct = byte == 0x5F || byte == 0x2E || byte == 0x2D
            if !(isAlnum || (offset > 0 && isPunct)) {
                throw CNMError.invalid(field, name, "only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed")
            }
        }
    }
}

/// Finds an object by full ID, then by name, then by unambiguous ID prefix (as dockerd does).
struct ObjectLookup<Record> {
    let kind: String
    let id: (Record) -> String
    let name: (Record) -> String

    func find(_ reference: String, in table: RecordTable<Record>) throws(CNMError) -> Record {
        if reference.isEmpty { throw CNMError(.invalidArgument, "invalid \(kind): the reference is empty") }
        if let exact = table[reference] { return exact }
        if let named = table.record(named: reference) { return named }
        let records = table.values
        if let named = records.first(where: { name($0) == reference }) { return named }
        let lowered = reference.lowercased()
        let isHex = lowered.allSatisfy { $0.isHexDigit }
        if isHex {
            let matches = records.filter { id($0).hasPrefix(lowered) }
            if matches.count == 1 { return matches[matches.startIndex] }
            if matches.count > 1 {
                throw CNMError(
                    .invalidArgument,
                    "\(kind) \(reference) is ambiguous (\(matches.count) matches found based on ID prefix)")
            }
        }
        throw CNMError.notFound(kind, reference)
    }
}
