import CNMClient
import Foundation

/// cnm-bench: times cnmd through the Swift SDK (bench/run.sh drives it; see BENCHMARKS.md).
///
///     cnm-bench latency  --socket S --tool LABEL --prefix P --samples FILE
///                        [--reps 50] [--counts 1,100,1000] [--networks 50] [--subnet 10.210.0.0/16]
///                        [--no-verify]
///     cnm-bench populate --socket S --networks N --prefix P
///     cnm-bench ready    --socket S --since-us EPOCH_US --pid PID --metrics FILE --label TEXT
///     cnm-bench scale    --socket S --pid PID --samples FILE --metrics FILE
///                        [--networks 1000] [--endpoints 5000] [--cycles 10000] [--probe 30]
///     cnm-bench report   --dir RESULTS
@main
struct CNMBench {
    static func main() async {
        let arguments = CommandLine.arguments.dropFirst()
        guard let command = arguments.first else {
            Progress.note("usage: cnm-bench latency|populate|ready|scale|report --option value ...")
            exit(2)
        }
        do {
            let options = try Arguments(arguments.dropFirst(), flagNames: ["no-verify"])
            switch command {
            case "latency": try await Self.latency(options)
            case "populate": try await Self.populate(options)
            case "ready": try await Self.ready(options)
            case "scale": try await Self.scale(options)
            case "report":
                print(try SideBySideReport(directory: try options.required("dir")).write(), terminator: "")
            default: throw BenchError("unknown command '\(command)'")
            }
        } catch {
            Progress.note("\(command) failed: \(error)")
            exit(1)
        }
    }

    private static func client(_ options: Arguments) throws -> CNMClient {
        try CNMClient(
            configuration: CNMClientConfiguration(
                endpoint: .unix(path: try options.required("socket")), defaultTimeout: .seconds(120),
                connectTimeout: .seconds(2)))
    }

    private static func latency(_ options: Arguments) async throws {
        let client = try Self.client(options)
        let suite = LatencySuite(
            client: client, log: try SampleLog(path: try options.required("samples")),
            tool: try options.required("tool"), prefix: options.string("prefix", default: "cb"),
            repetitions: try options.int("reps", default: 50),
            counts: try options.ints("counts", default: [1, 100, 1000]),
            networkCount: try options.int("networks", default: 50), verify: !options.flag("no-verify"),
            subnet: options.string("subnet", default: "10.210.0.0/16"))
        try await suite.run()
        await client.close()
    }

    private static func populate(_ options: Arguments) async throws {
        let client = try Self.client(options)
        let prefix = options.string("prefix", default: "pn")
        for index in 0..<(try options.int("networks", default: 100)) {
            try await client.benchCreateNetwork("\(prefix)\(index)")
        }
        await client.close()
    }

    private static func ready(_ options: Arguments) async throws {
        guard let since = Int64(try options.required("since-us")) else {
            throw BenchError("--since-us needs microseconds since the epoch")
        }
        let client = try Self.client(options)
        let probe = ReadinessProbe(
            client: client, startedAtMicroseconds: since,
            timeout: .seconds(try options.int("timeout", default: 120)))
        let result = try await probe.wait()
        await client.close()
        guard let path = options.string("metrics") else {
            print(String(format: "%.3f", result.readyMilliseconds))
            return
        }
        let metrics = try MetricLog(path: path)
        let label = options.string("label", default: "start")
        metrics.record("\(label): start to Health answering", result.readyMilliseconds, "ms")
        metrics.record("\(label): lastReconcile.durationMs", result.reconcileMilliseconds, "ms")
        metrics.record("\(label): networks in the state", Double(result.info.networks), "")
        metrics.record("\(label): endpoints in the state", Double(result.info.endpoints), "")
        metrics.record("\(label): sandboxes in the state", Double(result.info.sandboxes), "")
        if let pid = options.string("pid").flatMap(Int32.init) {
            metrics.record("\(label): rss after start", try ProcessStatus(pid: pid).rssMiB, "MiB")
        }
    }

    private static func scale(_ options: Arguments) async throws {
        guard let pid = Int32(try options.required("pid")) else {
            throw BenchError("--pid needs a process ID")
        }
        let client = try Self.client(options)
        let suite = ScaleSuite(
            client: client, samples: try SampleLog(path: try options.required("samples")),
            metrics: try MetricLog(path: try options.required("metrics")), pid: pid,
            networks: try options.int("networks", default: 1000),
            endpoints: try options.int("endpoints", default: 5000),
            cycles: try options.int("cycles", default: 10000),
            probeRepetitions: max(try options.int("probe", default: 30), 1))
        try await suite.run()
        await client.close()
    }
}
