/// The one HTTP/2 connection a client's calls share: opened by the first call that needs it,
/// and replaced by the next call after it broke.
actor SharedConnection {
    private enum State {
        case idle
        case connecting(Task<HTTP2Connection, any Error>)
        case ready(HTTP2Connection)
        case closed
    }

    private let connector: HTTP2Connector
    private var state = State.idle

    init(connector: HTTP2Connector) {
        self.connector = connector
    }

    /// The live connection, connecting first when there is none (or only a dead one).
    /// Concurrent callers share one connection attempt.
    func current() async throws -> HTTP2Connection {
        switch state {
        case .closed:
            throw CNMError(.canceled, "the client is closed")
        case .ready(let connection) where connection.isActive:
            return connection
        case .ready, .idle:
            let connector = self.connector
            let attempt = Task { try await connector.connect() }
            state = .connecting(attempt)
            return try await finish(attempt)
        case .connecting(let attempt):
            return try await finish(attempt)
        }
    }

    /// Forgets `connection` if it is the current one, so that the next call connects afresh.
    func discard(_ connection: HTTP2Connection) async {
        if case .ready(let current) = state, current.isSame(as: connection) {
            state = .idle
        }
        await connection.close()
    }

    /// Closes the connection; later calls fail with `canceled`.
    func close() async {
        let previous = state
        state = .closed
        switch previous {
        case .ready(let connection):
            await connection.close()
        case .connecting(let attempt):
            if let connection = try? await attempt.value { await connection.close() }
        case .idle, .closed:
            break
        }
    }

    private func finish(_ attempt: Task<HTTP2Connection, any Error>) async throws -> HTTP2Connection {
        let result = await attempt.result
        // Another caller may have moved the state on while this one waited.
        guard case .connecting(let pending) = state, pending == attempt else {
            if case .closed = state {
                if case .success(let connection) = result { await connection.close() }
                throw CNMError(.canceled, "the client is closed")
            }
            return try result.get()
        }
        switch result {
        case .success(let connection):
            state = .ready(connection)
            return connection
        case .failure(let error):
            state = .idle
            throw error
        }
    }
}
