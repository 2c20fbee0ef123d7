/// Decides what one query gets — a local answer, an error code, or forwarding — without any I/O,
/// so the protocol rules can be read and tested apart from the sockets.
struct DNSResponder: Sendable {
    /// How the reply travels, which bounds its size.
    enum Transport: Sendable {
        case udp
        case tcp
    }

    enum Outcome {
        /// Send this message back; the query, when it could be read, bounds its size.
        case reply(DNSMessage, query: DNSMessage?)
        /// Not ours: forward the raw query; the parsed one shapes a SERVFAIL if forwarding fails.
        case forward(DNSMessage)
        /// Send nothing (not a query, or too broken to answer).
        case drop
    }

    /// The UDP payload size this server announces in its OPT record (the DNS flag day 2020 value).
    static let advertisedUDPSize = 1232

    let source: any DNSRecordSource
    let ttl: UInt32
    /// Whether names the source does not own go upstream (else REFUSED).
    let forwards: Bool

    func respond(to bytes: [UInt8], from client: DNSAddress) -> Outcome {
        let query: DNSMessage
        do {
            query = try DNSMessage(decoding: bytes)
        } catch {
            return Self.formatError(for: bytes).map { .reply($0, query: nil) } ?? .drop
        }
        guard !query.header.isResponse else { return .drop }
        guard query.header.opcode == 0 else {
            return .reply(reply(to: query, code: .notImplemented), query: query)
        }
        guard query.questions.count == 1, let question = query.questions.first else {
            return .reply(reply(to: query, code: .formatError), query: query)
        }
        guard question.recordClass == .internet || question.recordClass == .any else {
            return notOwned(query)
        }
        switch source.lookup(DNSQuery(name: question.name, type: question.type, client: client)) {
        case .records(let data):
            var records = data.map { DNSResourceRecord(name: question.name, ttl: ttl, data: $0) }
            records.shuffle()
            var response = reply(to: query, code: .noError)
            response.header.isAuthoritative = true
            response.answers = records
            return .reply(response, query: query)
        case .nonExistent:
            var response = reply(to: query, code: .nonExistentDomain)
            response.header.isAuthoritative = true
            return .reply(response, query: query)
        case .notOwned:
            return notOwned(query)
        }
    }

    private func notOwned(_ query: DNSMessage) -> Outcome {
        forwards ? .forward(query) : .reply(reply(to: query, code: .refused), query: query)
    }

    /// A response skeleton: the query's ID, RD bit and question, and an OPT record if it had one.
    func reply(to query: DNSMessage, code: DNSResponseCode) -> DNSMessage {
        var header = DNSHeader(id: query.header.id)
        header.isResponse = true
        header.opcode = query.header.opcode
        header.recursionDesired = query.header.recursionDesired
        header.recursionAvailable = forwards
        header.responseCode = code
        var response = DNSMessage(header: header, questions: query.questions)
        if query.ednsPayloadSize != nil {
            let opt = DNSResourceRecord(
                name: .root, recordClass: DNSRecordClass(rawValue: UInt16(Self.advertisedUDPSize)), ttl: 0,
                data: .opaque(type: .opt, bytes: []))
            response.additionals = [opt]
        }
        return response
    }

    /// Encodes a response for `transport`; over UDP a response larger than the client accepts loses
    /// its records and gets the TC bit, so the client retries over TCP (RFC 1035 §4.2.1, RFC 6891).
    static func encode(_ response: DNSMessage, answering query: DNSMessage?, over transport: Transport)
        -> [UInt8]?
    {
        guard let bytes = try? response.encoded() else { return nil }
        guard transport == .udp else { return bytes }
        let limit = max(DNSMessage.classicUDPSize, min(query?.ednsPayloadSize ?? 0, advertisedUDPSize))
        guard bytes.count > limit else { return bytes }
        var truncated = response
        truncated.header.isTruncated = true
        truncated.answers = []
        truncated.authorities = []
        return try? truncated.encoded()
    }

    /// FORMERR for a message too broken to decode, when at least its header is a query's.
    static func formatError(for bytes: [UInt8]) -> DNSMessage? {
        guard bytes.count >= 12, bytes[2] & 0x80 == 0 else { return nil }
        var header = DNSHeader(id: UInt16(bytes[0]) << 8 | UInt16(bytes[1]))
        header.isResponse = true
        header.opcode = (bytes[2] >> 3) & 0x0F
        header.recursionDesired = bytes[2] & 0x01 != 0
        header.responseCode = .formatError
        return DNSMessage(header: header)
    }
}
