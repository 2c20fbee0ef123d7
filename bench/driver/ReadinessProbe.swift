import CNMAPI
import CNMClient
import Foundation

/// How long cnmd took to answer Health after it was started, and how long its reconciliation
/// with the kernel took by its own account (GetInfo's `lastReconcile.durationMs`).
struct ReadinessProbe {
    let client: CNMClient
    /// When cnmd was started, microseconds since the epoch (bash `${EPOCHREALTIME/./}`).
    let startedAtMicroseconds: Int64
    let timeout: Duration

    /// Polls Health every millisecond until it says `SERVING`; returns the wall time since the
    /// start, in milliseconds, and the reconciliation's own duration.
    func wait() async throws -> (
        readyMilliseconds: Double, reconcileMilliseconds: Double, info: Cnm_V1_GetInfoResponse
    ) {
        let clock = ContinuousClock()
        let deadline = clock.now + self.timeout
        var lastError = "no answer"
        while clock.now < deadline {
            do {
                let health = try await self.client.health(options: CNMCallOptions(timeout: .seconds(2)))
                if health.status == "SERVING" {
                    let now = Int64((Date().timeIntervalSince1970 * 1_000_000).rounded())
                    let ready = Double(now - self.startedAtMicroseconds) / 1000
                    let info = try await self.client.getInfo()
                    return (ready, Double(info.lastReconcile.durationMs), info)
                }
                lastError = "status \(health.status)"
            } catch {
                lastError = "\(error)"
            }
            try await Task.sleep(for: .milliseconds(1))
        }
        throw BenchError("cnmd did not answer Health within \(self.timeout): \(lastError)")
    }
}
