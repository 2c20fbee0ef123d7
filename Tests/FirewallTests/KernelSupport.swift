import Foundation
import Testing

/// Kernel tests change links, namespaces and nftables: they only run inside the private network
/// namespace made by scripts/in-private-netns.sh, and fail (not skip) anywhere else.
func requirePrivateNetns() throws {
    try #require(
        ProcessInfo.processInfo.environment["CNM_PRIVATE_NETNS"] == "1",
        "kernel tests must run inside a private namespace: scripts/in-private-netns.sh swift test")
}

/// A command's result.
struct CommandResult {
    let status: Int32
    let output: String
    let errors: String
    var succeeded: Bool { status == 0 }
}

/// Runs a command (looked up in PATH) to completion.
@discardableResult
func command(_ arguments: String...) throws -> CommandResult {
    try command(arguments)
}

@discardableResult
func command(_ arguments: [String]) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let output = out.fileHandleForReading.readDataToEndOfFile()
    let errors = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandResult(
        status: process.terminationStatus, output: String(decoding: output, as: UTF8.self),
        errors: String(decoding: errors, as: UTF8.self))
}

/// Runs a command that must succeed.
func must(_ arguments: String...) throws {
    let result = try command(arguments)
    guard result.succeeded else {
        throw ScenarioError(description: "\(arguments.joined(separator: " ")): \(result.errors)")
    }
}

struct ScenarioError: Error, CustomStringConvertible {
    let description: String
}

/// Bridges, namespaces and processes made for one test, torn down by `cleanup()` (in reverse).
final class Scenario {
    private var undo: [() -> Void] = []

    /// A bridge, up, with `address` (CIDR) on it.
    func bridge(_ name: String, address: String? = nil) throws {
        try must("ip", "link", "add", name, "type", "bridge")
        undo.append { _ = try? command("ip", "link", "del", name) }
        if let address { try must("ip", "addr", "add", address, "dev", name, "nodad") }
        try must("ip", "link", "set", name, "up")
    }

    /// A named namespace with `eth0` (a veth whose host side `v-NAME` is on `bridge`), carrying
    /// `address` (CIDR) and a default route via `gateway`.
    func sandbox(_ name: String, bridge: String, address: String, gateway: String) throws {
        try must("ip", "netns", "add", name)
        undo.append { _ = try? command("ip", "netns", "del", name) }
        try must(
            "ip", "link", "add", "v-\(name)", "master", bridge, "up", "type", "veth", "peer", "name", "eth0",
            "netns", name)
        try must("ip", "-n", name, "link", "set", "lo", "up")
        try must("ip", "-n", name, "addr", "add", address, "dev", "eth0", "nodad")
        try must("ip", "-n", name, "link", "set", "eth0", "up")
        try must("ip", "-n", name, "route", "add", "default", "via", gateway)
    }

    /// A namespace standing for the world outside the host: reached through the veth `up-NAME`
    /// with `hostAddress` (CIDR) on the host side and `address` (CIDR) inside; `routes` are
    /// routed back through the host.
    func outside(_ name: String, hostAddress: String, address: String, routes: [String] = []) throws {
        try must("ip", "netns", "add", name)
        undo.append { _ = try? command("ip", "netns", "del", name) }
        try must("ip", "link", "add", "up-\(name)", "type", "veth", "peer", "name", "eth0", "netns", name)
        undo.append { _ = try? command("ip", "link", "del", "up-\(name)") }
        try must("ip", "addr", "add", hostAddress, "dev", "up-\(name)", "nodad")
        try must("ip", "link", "set", "up-\(name)", "up")
        try must("ip", "-n", name, "link", "set", "lo", "up")
        try must("ip", "-n", name, "addr", "add", address, "dev", "eth0", "nodad")
        try must("ip", "-n", name, "link", "set", "eth0", "up")
        let via = String(hostAddress.split(separator: "/")[0])
        for route in routes { try must("ip", "-n", name, "route", "add", route, "via", via) }
    }

    /// Puts the bridge port of sandbox `name` in hairpin mode, so that it can reach itself
    /// through a published port (the endpoint's job in cnmd).
    func hairpin(_ name: String) throws {
        try must("ip", "link", "set", "v-\(name)", "type", "bridge_slave", "hairpin", "on")
    }

    /// Whether one ping from namespace `from` to `address` is answered.
    func ping(from: String, _ address: String) throws -> Bool {
        try command("ip", "netns", "exec", from, "ping", "-c1", "-W1", "-q", address).succeeded
    }

    /// Starts a TCP server in namespace `namespace` on `address:port` that answers each
    /// connection with "`tag` CLIENT-ADDRESS" and closes it. Stopped by `cleanup()`.
    func server(in namespace: String, address: String, port: Int, tag: String) throws {
        let script = """
            import socket, sys
            family = socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET
            s = socket.socket(family)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((sys.argv[1], int(sys.argv[2])))
            s.listen(16)
            print('ready', flush=True)
            while True:
                c, peer = s.accept()
                c.sendall((sys.argv[3] + ' ' + peer[0] + '\\n').encode())
                c.close()
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        process.arguments = [
            "netns", "exec", namespace, "/usr/bin/python3", "-c", script, address, "\(port)", tag,
        ]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        undo.append {
            // SIGKILL: the test runner's ignored SIGTERM is inherited by the server.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        var seen = ""
        while !seen.contains("ready") {
            let data = out.fileHandleForReading.availableData
            guard !data.isEmpty else {
                throw ScenarioError(description: "server in \(namespace) did not start")
            }
            seen += String(decoding: data, as: UTF8.self)
        }
    }

    /// Connects over TCP to `address:port` from namespace `from` (nil: the test's own namespace)
    /// and returns the server's answer, or nil when no connection could be made in 3 seconds.
    func connect(from: String? = nil, _ address: String, _ port: Int) throws -> String? {
        let script = """
            import socket, sys
            s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3)
            print(s.recv(200).decode().strip())
            """
        let client = ["/usr/bin/python3", "-c", script, address, "\(port)"]
        let result = try command(from.map { ["ip", "netns", "exec", $0] + client } ?? client)
        return result.succeeded ? result.output.trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }

    func cleanup() {
        for action in undo.reversed() { action() }
        undo = []
    }
}
