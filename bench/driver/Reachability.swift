import Foundation

/// Checks that an attached sandbox really reaches another one over the bridge: one
/// `ip netns exec SANDBOX ping -c1 -W2 ADDRESS`, run as a child process.
enum Reachability {
    static func check(from sandbox: String, to address: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ip", "netns", "exec", sandbox, "ping", "-c1", "-W2", "-q", address]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchError(
                "ping from sandbox \(sandbox) to \(address) failed (exit \(process.terminationStatus))")
        }
    }

    /// `10.1.2.3/24` → `10.1.2.3`.
    static func address(_ cidr: String) -> String {
        String(cidr.split(separator: "/").first ?? Substring(cidr))
    }
}
