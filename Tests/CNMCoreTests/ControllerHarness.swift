import Foundation
import Netlink
import Testing

@testable import CNMCore

/// A controller running in a network namespace made for one test, so tests can run
/// side by side and leave nothing behind: `close()` deletes the sandboxes' and the
/// test's namespaces (which takes every bridge and veth with them) and the state.
final class ControllerHarness: Sendable {
    let namespace: NetworkNamespace
    let namespaceName: String
    let stateDirectory: String
    let prefix: String
    let controller: Controller

    /// Creates the namespace and a started controller inside it.
    init(
        stateDirectory: String? = nil, prefix: String? = nil,
        configure: (inout ControllerConfiguration) -> Void = { _ in }
    )
        async throws
    {
        try Self.requirePrivateNamespace()
        let tag = prefix ?? Self.randomTag()
        self.prefix = tag
        namespaceName = "cnmt-\(tag)"
        namespace = try NetworkNamespace.create(name: namespaceName)
        let directory =
            stateDirectory
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("cnmt-\(tag)").path
        self.stateDirectory = directory
        let resolvConf = directory + ".resolv.conf"
        try "nameserver 127.0.0.53\n".write(toFile: resolvConf, atomically: true, encoding: .utf8)
        var configuration = ControllerConfiguration(
            stateDirectory: directory, firewallEnabled: true, dnsUpstream: .none,
            netnsEtcDirectory: "/etc/netns", hostResolvConf: resolvConf, machineID: "cnm-tests", dnsPort: nil)
        configure(&configuration)
        let finalConfiguration = configuration
        let namespace = namespace
        controller = try withNetns(namespace) { try Controller(configuration: finalConfiguration) }
        try await controller.start()
        try inNamespace("ip", "link", "set", "lo", "up")
    }

    /// A second controller on the same namespace and state directory (a restart).
    func restarted() async throws -> Controller {
        let configuration = await controller.configuration
        let restarted = try withNetns(namespace) { try Controller(configuration: configuration) }
        try await restarted.start()
        return restarted
    }

    /// Deletes every sandbox namespace this test made, the test's namespace and its state.
    func close() async {
        if let sandboxes = try? await controller.listSandboxes() {
            for sandbox in sandboxes { try? await controller.deleteSandbox(sandbox.id, force: true) }
        }
        try? NetworkNamespace.delete(name: namespaceName)
        try? FileManager.default.removeItem(atPath: stateDirectory)
        try? FileManager.default.removeItem(atPath: stateDirectory + ".resolv.conf")
    }

    /// A sandbox name unique to this test.
    func name(_ base: String) -> String { "\(prefix)-\(base)" }

    /// Runs a command inside the test's namespace (`ip netns exec`), returning its output.
    @discardableResult
    func inNamespace(_ arguments: String...) throws -> String {
        try Self.run(["ip", "netns", "exec", namespaceName] + arguments)
    }

    /// Runs a command inside a sandbox's named namespace.
    @discardableResult
    func inSandbox(_ sandbox: String, _ arguments: String...) throws -> String {
        try Self.run(["ip", "netns", "exec", sandbox] + arguments)
    }

    /// Whether a command succeeds inside a sandbox (for ping checks).
    func succeeds(inSandbox sandbox: String, _ arguments: String...) -> Bool {
        (try? Self.run(["ip", "netns", "exec", sandbox] + arguments)) != nil
    }

    /// `ip -j` output of the test namespace, decoded.
    func links() throws -> [[String: Any]] {
        let output = try inNamespace("ip", "-j", "link", "show")
        return (try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]]) ?? []
    }

    func linkNames() throws -> Set<String> { Set(try links().compactMap { $0["ifname"] as? String }) }

    static func requirePrivateNamespace() throws {
        guard ProcessInfo.processInfo.environment["CNM_PRIVATE_NETNS"] == "1" else {
            throw HarnessError(
                "kernel tests must run inside a private network namespace: use scripts/test.sh "
                    + "(or scripts/in-private-netns.sh swift test)")
        }
    }

    static func randomTag() -> String {
        String(UInt32.random(in: 0...UInt32.max), radix: 36)
    }

    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw HarnessError(
                "\(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(text)")
        }
        return text
    }

    @discardableResult
    static func run(_ arguments: String...) throws -> String { try run(arguments) }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
