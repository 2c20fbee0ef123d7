import Synchronization

/// Where the shared churn networks stand, so that all workers can help empty one that its
/// managing worker wants to delete.
///
/// A network with endpoints cannot be deleted, and every worker connects its sandboxes to the
/// shared networks, so a delete would almost never find one empty. The managing worker marks the
/// network draining; the others then stop aiming connects at it and aim their disconnects,
/// leaves and endpoint deletes at it, until a delete succeeds. The board only steers where calls
/// are aimed: what cnmd must show is still judged by each worker's acknowledged state.
final class NetworkBoard: Sendable {
    enum Phase: Sendable, Equatable {
        /// Exists; connects are aimed at it.
        case active
        /// Exists; its manager is deleting it, so calls are aimed at emptying it.
        case draining
        /// Deleted (or its create was refused or cut off); its manager creates it again.
        case absent
    }

    private let phases: Mutex<[String: Phase]>

    /// A board where every one of `networks` is active.
    init(networks: [String]) {
        self.phases = Mutex(Dictionary(uniqueKeysWithValues: networks.map { ($0, .active) }))
    }

    /// The phase of a shared network; nil for a network the board does not track.
    func phase(_ network: String) -> Phase? {
        self.phases.withLock { $0[network] }
    }

    func set(_ network: String, _ phase: Phase) {
        self.phases.withLock { $0[network] = phase }
    }

    /// Marks `network` draining unless another shared network is draining or absent (so that
    /// at least two stay open to connects); returns whether `network` is draining now.
    func startDraining(_ network: String) -> Bool {
        self.phases.withLock { phases in
            if phases[network] == .draining { return true }
            guard phases[network] == .active,
                phases.allSatisfy({ $0.key == network || $0.value == .active })
            else { return false }
            phases[network] = .draining
            return true
        }
    }
}
