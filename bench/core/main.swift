import CNMCore
import Foundation
import Netlink

// In-process attach/detach benchmark of the controller (issue: driver core).
//
// Inside a private network namespace (run through bench/core.sh), it creates one
// bridge network and N sandboxes, then times, per sandbox, ConnectSandbox (attach:
// endpoint, veth born in the namespace, address, route, store transaction) and
// DisconnectSandbox (detach), and the same work done with `ip` commands (the fused
// 4-fork attach and one `ip link del`), in the same run. Prints a markdown table
// and CSV rows (operation,tool,n,median_ms,p90_ms,p99_ms).

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let rank = Int((p / 100 * Double(sorted.count - 1)).rounded())
    return sorted[min(max(rank, 0), sorted.count - 1)]
}

func measure(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000
}

func measureAsync(_ body: () async throws -> Void) async rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try await body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000
}

@discardableResult
func sh(_ arguments: [String]) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw CNMError(
            .internalError, "\(arguments.joined(separator: " ")) exited \(process.terminationStatus)")
    }
    return process.terminationStatus
}

struct Row {
    var operation: String
    var tool: String
    var samples: [Double]
}

guard ProcessInfo.processInfo.environment["CNM_PRIVATE_NETNS"] == "1" else {
    FileHandle.standardError.write(Data("run through bench/core.sh (a private network namespace)\n".utf8))
    exit(2)
}
let count = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 200
let firewall = CommandLine.arguments.contains("--firewall")
let state = FileManager.default.temporaryDirectory.appendingPathComponent("cnm-bench-\(getpid())").path
defer { try? FileManager.default.removeItem(atPath: state) }
let resolv = state + ".resolv.conf"
try "".write(toFile: resolv, atomically: true, encoding: .utf8)
defer { try? FileManager.default.removeItem(atPath: resolv) }

let controller = try Controller(
    configuration: ControllerConfiguration(
        stateDirectory: state, firewallEnabled: firewall, dnsUpstream: .none, hostResolvConf: resolv,
        machineID: "bench"))
try await controller.start()
_ = try await controller.createNetwork(
    NetworkCreateRequest(name: "bench", ipam: [IPAMConfigRequest(subnet: "10.201.0.0/16")]))
let names = (0..<count).map { "cb\($0)" }
for name in names { _ = try await controller.createSandbox(SandboxCreateRequest(name: name)) }

var attach: [Double] = []
var detach: [Double] = []
for name in names {
    attach.append(
        try await measureAsync {
            _ = try await controller.connect(network: "bench", sandbox: name, EndpointCreateRequest())
        })
}
try sh(["ip", "netns", "exec", names[0], "ping", "-c1", "-W2", "10.201.0.1"])
if count > 1 { try sh(["ip", "netns", "exec", names[0], "ping", "-c1", "-W2", "10.201.0.3"]) }
for name in names {
    detach.append(try await measureAsync { try await controller.disconnect(network: "bench", sandbox: name) })
}

// The same work with iproute2, on a bridge of its own and namespaces of its own
// (skipped with --no-ip, e.g. when profiling cnm alone).
let compareWithIP = !CommandLine.arguments.contains("--no-ip")
if compareWithIP { try sh(["ip", "link", "add", "ipbr0", "type", "bridge"]) }
if compareWithIP {
    try sh(["ip", "addr", "add", "10.202.0.1/16", "dev", "ipbr0"])
    try sh(["ip", "link", "set", "ipbr0", "up"])
}
var ipAttach: [Double] = []
var ipDetach: [Double] = []
for index in 0..<(compareWithIP ? count : 0) {
    let ns = "ipb\(index)"
    try sh(["ip", "netns", "add", ns])
    let address = "10.202.\((index + 2) / 256).\((index + 2) % 256)/16"
    ipAttach.append(
        try measure {
            try sh([
                "ip", "link", "add", "ipv\(index)", "master", "ipbr0", "up", "type", "veth", "peer", "name",
                "eth0",
                "netns", ns,
            ])
            try sh(["ip", "-n", ns, "link", "set", "eth0", "up"])
            try sh(["ip", "-n", ns, "addr", "add", address, "dev", "eth0"])
            try sh(["ip", "-n", ns, "route", "add", "default", "via", "10.202.0.1"])
        })
}
for index in 0..<(compareWithIP ? count : 0) {
    ipDetach.append(try measure { try sh(["ip", "link", "del", "ipv\(index)"]) })
}
for index in 0..<(compareWithIP ? count : 0) { try sh(["ip", "netns", "del", "ipb\(index)"]) }
if compareWithIP { try sh(["ip", "link", "del", "ipbr0"]) }
for name in names { try await controller.deleteSandbox(name, force: true) }
try await controller.deleteNetwork("bench")

let rows = [
    Row(
        operation: "attach", tool: firewall ? "cnm (in process, firewall)" : "cnm (in process)",
        samples: attach),
    Row(operation: "attach", tool: "ip (4 forks, fused)", samples: ipAttach),
    Row(
        operation: "detach", tool: firewall ? "cnm (in process, firewall)" : "cnm (in process)",
        samples: detach),
    Row(operation: "detach", tool: "ip link del", samples: ipDetach),
]
print("| operation | tool | n | median ms | p90 ms | p99 ms |")
print("| --- | --- | --- | --- | --- | --- |")
for row in rows {
    let sorted = row.samples.sorted()
    print(
        "| \(row.operation) | \(row.tool) | \(sorted.count) | "
            + String(
                format: "%.3f | %.3f | %.3f |", percentile(sorted, 50), percentile(sorted, 90),
                percentile(sorted, 99)))
}
print("")
let tenth = max(1, count / 10)
print(
    "attach growth: median of the first \(tenth) "
        + String(
            format: "%.3f ms, of the last \(tenth) %.3f ms", percentile(attach.prefix(tenth).sorted(), 50),
            percentile(attach.suffix(tenth).sorted(), 50)))
print("")
for row in rows {
    let sorted = row.samples.sorted()
    print(
        "csv,\(row.operation),\(row.tool),\(sorted.count),"
            + String(
                format: "%.3f,%.3f,%.3f", percentile(sorted, 50), percentile(sorted, 90),
                percentile(sorted, 99)))
}
