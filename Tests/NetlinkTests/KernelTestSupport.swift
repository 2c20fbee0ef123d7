import Foundation
import Netlink
import Testing

/// Stops a kernel test unless it runs inside `scripts/in-private-netns.sh`, so that no test
/// ever creates links or namespaces in the host's namespace.
func requirePrivateNetns() throws {
    try #require(
        ProcessInfo.processInfo.environment["CNM_PRIVATE_NETNS"] == "1",
        "kernel test: run it inside /work/main/scripts/in-private-netns.sh (CNM_PRIVATE_NETNS=1 is not set)")
}

/// A link or namespace name no parallel test uses: `nlt` + a tag + random hex, at most 15
/// characters (IFNAMSIZ - 1).
func uniqueName(_ tag: String) -> String {
    let suffix = String(UInt32.random(in: 0...0xFFFFF), radix: 16)
    return String(("nlt" + tag + suffix).prefix(15))
}

/// Runs a command and returns its exit status and combined output.
@discardableResult
func run(_ arguments: String...) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// Calls `probe` every 50 ms, for at most 5 s, until its result satisfies `done`; returns the
/// last result. For kernel state that changes asynchronously (the link watcher, addrconf).
func poll<T>(_ probe: () throws -> T, until done: (T) -> Bool) rethrows -> T {
    var result = try probe()
    for _ in 0..<100 where !done(result) {
        Thread.sleep(forTimeInterval: 0.05)
        result = try probe()
    }
    return result
}
