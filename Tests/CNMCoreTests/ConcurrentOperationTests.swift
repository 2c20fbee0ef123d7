import Dispatch
import Foundation
import Synchronization
import Testing

@testable import CNMCore

/// Endpoint operations leave the controller while the kernel works; these pin down what
/// that must never change: operations on one sandbox run one after another, and the model
/// is the sum of the operations.
@Suite("Concurrent operations")
struct ConcurrentOperationTests {
    @Test("kernel work on one lane does not hold up another lane")
    func lanesRunSideBySide() async throws {
        let lanes = KernelLanes()
        let release = DispatchSemaphore(value: 0)
        let blocked = Task { try await lanes.run("a") { release.wait() } }
        // Lane b answers while lane a is blocked; if b queued behind a this would never return.
        let answer = try await lanes.run("b") { 42 }
        #expect(answer == 42)
        release.signal()
        try await blocked.value
    }

    @Test("work queued on a busy lane waits until the lane is free, then all of it runs")
    func laneRunsOneThingAtATime() async throws {
        let lanes = KernelLanes()
        let done = Recorder()
        let release = DispatchSemaphore(value: 0)
        let first = Task { try await lanes.run("a") { release.wait() } }
        try await Task.sleep(for: .milliseconds(20))
        let rest = (1...5).map { index in
            Task { try await lanes.run("a") { done.append(index) } }
        }
        try await Task.sleep(for: .milliseconds(20))
        #expect(done.values.isEmpty, "nothing runs while the lane is busy")
        release.signal()
        try await first.value
        for task in rest { try await task.value }
        #expect(done.values.sorted() == [1, 2, 3, 4, 5])
    }

    @Test("a sandbox lock admits one holder at a time, in the order they came; other sandboxes are free")
    func sandboxLockIsExclusiveAndFair() async throws {
        let box = LockBox()
        let gate = AsyncGate()
        let first = Task { await box.holding("s") { await gate.wait() } }
        try await Task.sleep(for: .milliseconds(20))
        var waiters: [Task<Void, Never>] = []
        for _ in 1...4 {
            waiters.append(Task { await box.holding("s") {} })
            try await Task.sleep(for: .milliseconds(10))
        }
        await box.holding("t") {}  // another sandbox's lock is not held up
        #expect(await box.entered == [0, 0])
        await gate.open()
        await first.value
        for waiter in waiters { await waiter.value }
        #expect(await box.entered == [0, 0, 1, 2, 3, 4], "waiters entered in arrival order")
        #expect(await box.maxInside == 1)
        #expect(await box.isFree("s"))
    }

    @Test("one sandbox connected to eight networks at once: every connect succeeds with its own interface")
    func concurrentConnectsOfOneSandbox() async throws {
        let harness = try await ControllerHarness()
        let controller = harness.controller
        let networks = (0..<8).map { "n\($0)" }
        for (index, name) in networks.enumerated() {
            _ = try await controller.createNetwork(
                NetworkCreateRequest(name: name, ipam: [IPAMConfigRequest(subnet: "10.78.\(index).0/24")]))
        }
        let sandbox = harness.name("multi")
        _ = try await controller.createSandbox(SandboxCreateRequest(name: sandbox))
        let results = try await withThrowingTaskGroup(of: EndpointInfo.self) { group in
            for name in networks {
                group.addTask {
                    try await controller.connect(network: name, sandbox: sandbox, EndpointCreateRequest())
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(results.map(\.interfaceName)) == Set((0..<8).map { "eth\($0)" }))
        let inside = try harness.inSandbox(sandbox, "ip", "-o", "-4", "addr", "show")
        for result in results { #expect(inside.contains(result.ipv4Address)) }
        let routes = try harness.inSandbox(sandbox, "ip", "route", "show", "default")
        #expect(routes.split(separator: "\n").count == 1, "exactly one network gives the default route")
        let info = try await controller.sandbox(sandbox)
        #expect(info.endpoints.count == 8)
        await harness.close()
    }

    @Test("connects, disconnects and a delete racing on one sandbox leave a model that matches the kernel")
    func racingOperationsOnOneSandbox() async throws {
        let harness = try await ControllerHarness()
        let controller = harness.controller
        for index in 0..<4 {
            _ = try await controller.createNetwork(
                NetworkCreateRequest(
                    name: "r\(index)", ipam: [IPAMConfigRequest(subnet: "10.79.\(index).0/24")]))
        }
        let sandbox = harness.name("race")
        _ = try await controller.createSandbox(SandboxCreateRequest(name: sandbox))
        await withTaskGroup(of: Void.self) { group in
            for round in 0..<3 {
                for index in 0..<4 {
                    group.addTask {
                        _ = try? await controller.connect(
                            network: "r\(index)", sandbox: sandbox, EndpointCreateRequest())
                        if (round + index) % 2 == 0 {
                            try? await controller.disconnect(network: "r\(index)", sandbox: sandbox)
                        }
                    }
                }
            }
        }
        let info = try await controller.sandbox(sandbox)
        let endpoints = try await controller.listEndpoints(filters: ["sandbox": [sandbox]])
        #expect(Set(endpoints.map(\.id)) == Set(info.endpoints))
        #expect(Set(endpoints.map(\.networkName)).count == endpoints.count, "one endpoint per network")
        let inside = try harness.inSandbox(sandbox, "ip", "-o", "link")
        for endpoint in endpoints { #expect(inside.contains("\(endpoint.interfaceName)@")) }
        #expect(inside.components(separatedBy: "eth").count - 1 == endpoints.count)
        let hostSide = try harness.linkNames().filter { $0.hasPrefix("veth") }
        #expect(hostSide == Set(endpoints.map(\.hostInterfaceName)))

        // A delete racing with connects: afterwards the sandbox and all its veths are gone.
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<4 {
                group.addTask {
                    _ = try? await controller.connect(
                        network: "r\(index)", sandbox: sandbox, EndpointCreateRequest())
                }
            }
            group.addTask { try? await controller.deleteSandbox(sandbox, force: true) }
        }
        if (try? await controller.sandbox(sandbox)) != nil {
            try await controller.deleteSandbox(sandbox, force: true)
        }
        #expect(try await controller.listEndpoints().filter { $0.networkName.hasPrefix("r") }.isEmpty)
        #expect(try harness.linkNames().filter { $0.hasPrefix("veth") }.isEmpty)
        for index in 0..<4 { try await controller.deleteNetwork("r\(index)") }
        await harness.close()
    }
}

/// Runs critical sections under `SandboxLocks` the way the controller does, recording who
/// entered when and how many were inside at once.
private actor LockBox {
    private var locks = SandboxLocks()
    private var arrivals = 0
    private var inside: [String: Int] = [:]
    private(set) var entered: [Int] = []
    private(set) var maxInside = 0

    func holding(_ key: String, _ body: () async -> Void) async {
        let ticket = key == "s" ? arrivals : 0
        if key == "s" { arrivals += 1 }
        if !locks.tryAcquire(key) {
            await withCheckedContinuation { locks.enqueue(key, $0) }
        }
        entered.append(ticket)
        inside[key, default: 0] += 1
        maxInside = max(maxInside, inside[key]!)
        await body()
        inside[key]! -= 1
        locks.release(key)
    }

    func isFree(_ key: String) -> Bool {
        let free = locks.tryAcquire(key)
        if free { locks.release(key) }
        return free
    }
}

/// A one-shot gate a task can wait on.
private actor AsyncGate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }
}

/// Values appended from any thread.
private final class Recorder: Sendable {
    private let storage = Mutex<[Int]>([])
    func append(_ value: Int) { storage.withLock { $0.append(value) } }
    var values: [Int] { storage.withLock { $0 } }
}
