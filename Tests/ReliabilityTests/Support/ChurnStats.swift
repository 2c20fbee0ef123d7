import CNMClient
import Synchronization

/// Set once to make churn workers stop after their current call.
final class StopFlag: Sendable {
    private let value = Atomic<Bool>(false)

    var isSet: Bool { self.value.load(ordering: .acquiring) }
    func set() { self.value.store(true, ordering: .releasing) }
    func reset() { self.value.store(false, ordering: .releasing) }
}

/// Counts of what the churn workers did, shared by all of them.
actor ChurnStats {
    /// Calls that succeeded, per operation.
    private(set) var succeeded: [String: Int] = [:]
    /// Calls refused as the model says they must be (not_found, already_exists, failed_precondition).
    private(set) var refused: [String: Int] = [:]
    /// Refusals per operation and code ("deleteNetwork failed_precondition").
    private(set) var refusedByOperation: [String: Int] = [:]
    /// Calls cut off by a kill (unavailable, canceled, deadline): their outcome is unknown.
    private(set) var interrupted = 0
    /// Calls cut off by a kill, per operation.
    private(set) var interruptedByOperation: [String: Int] = [:]
    /// Calls that failed in a way no rule explains, with a few samples.
    private(set) var unexpected = 0
    private(set) var unexpectedSamples: [String] = []

    /// Counts of notable successes ("shared network deleted").
    private(set) var notes: [String: Int] = [:]

    var totalSucceeded: Int { self.succeeded.values.reduce(0, +) }
    var totalRefused: Int { self.refused.values.reduce(0, +) }

    func success(_ operation: String) { self.succeeded[operation, default: 0] += 1 }
    func note(_ what: String) { self.notes[what, default: 0] += 1 }
    func refusal(_ operation: String, _ code: CNMErrorCode) {
        self.refused[code.rawValue, default: 0] += 1
        self.refusedByOperation["\(operation) \(code.rawValue)", default: 0] += 1
    }

    func interruption(_ operation: String) {
        self.interrupted += 1
        self.interruptedByOperation[operation, default: 0] += 1
    }

    func unexpected(_ operation: String, _ error: any Error) {
        self.unexpected += 1
        if self.unexpectedSamples.count < 10 { self.unexpectedSamples.append("\(operation): \(error)") }
    }
}
