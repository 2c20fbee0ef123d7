import Foundation

/// The side-by-side tables of one run, from the files `bench/run.sh` leaves in its results
/// directory: `samples.csv` (cnm through the SDK), `docker.csv` (dockerd's API),
/// `peers/raw.tsv` (bench-peers.sh), `h2load.csv`, `scale-samples.csv`, `scale.csv` and
/// `env.txt`. Writes `table.md` and `table.csv` there and returns the markdown.
struct SideBySideReport {
    let directory: String

    /// The cnm rows the peers are compared with: the firewall mode decides which.
    static let cnmFirewall = "cnm (SDK)"
    static let cnmNoFirewall = "cnm (SDK, --firewall none)"
    /// Peers that install firewall (NAT/forwarding) rules on attach or network create.
    static let firewallPeers: Set<String> = [
        PeerTool.label("cnimasq"), PeerTool.label("nv"), PeerTool.label("extra"), "dockerd 20.10 (API)",
    ]
    static let operationOrder = [
        "attach", "detach", "network create", "network delete", "sandbox create", "sandbox delete",
        "attach (anchor, first on the network)", "detach (anchor, last on the network)",
    ]

    func write() throws -> String {
        var table = SampleTable()
        table.addCSV(path: self.path("samples.csv"))
        table.addCSV(path: self.path("docker.csv"))
        table.addPeerRaw(path: self.path("peers/raw.tsv"))
        var markdown = ""
        if let environment = try? String(contentsOfFile: self.path("env.txt"), encoding: .utf8) {
            markdown += "```\n" + environment + (environment.hasSuffix("\n") ? "" : "\n") + "```\n\n"
        }
        let (sideBySide, csv) = self.sideBySide(table)
        markdown += sideBySide
        markdown += self.kernel(table)
        markdown += self.throughput()
        markdown += self.metrics(file: "daemon.csv", title: "cnmd start, stop and memory")
        markdown += self.scale()
        try markdown.write(toFile: self.path("table.md"), atomically: true, encoding: .utf8)
        try csv.write(toFile: self.path("table.csv"), atomically: true, encoding: .utf8)
        return markdown
    }

    private func path(_ name: String) -> String { self.directory + "/" + name }

    private func sideBySide(_ table: SampleTable) -> (String, String) {
        var markdown = "### Attach, detach, networks: per operation, side by side\n\n"
        markdown +=
            "cnm/peer = cnm's median ÷ the peer's median at the same operation and N (below 1: cnm is faster);"
        markdown +=
            " firewall peers are compared with cnm with its firewall on, the others with `--firewall none`.\n\n"
        markdown += "early→late = median of the first and of the last max(3, N/10) operations of a pass.\n\n"
        markdown +=
            "| operation | N | tool | samples | median ms | p90 ms | p99 ms | early→late ms | cnm/peer |\n"
        markdown += "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n"
        var csv =
            "operation,n,tool,samples,median_ms,p90_ms,p99_ms,early_ms,late_ms,cnm_over_peer,compared_with\n"
        let keys = table.keys.filter { $0.operation != "kernel primitive" }
        let groups = Dictionary(grouping: keys) { GroupKey(operation: $0.operation, n: $0.n) }
        let ordered = groups.keys.sorted {
            let left = Self.operationOrder.firstIndex(of: $0.operation) ?? Self.operationOrder.count
            let right = Self.operationOrder.firstIndex(of: $1.operation) ?? Self.operationOrder.count
            return (left, $0.n, $0.operation) < (right, $1.n, $1.operation)
        }
        for group in ordered {
            let rows = (groups[group] ?? []).sorted { self.rank($0, table) < self.rank($1, table) }
            for key in rows {
                guard let samples = table[key], let median = samples.median else { continue }
                let comparedWith = self.comparison(for: key.tool, table: table, group: group)
                var ratio = "—"
                var ratioCSV = ""
                if let comparedWith,
                    let cnm = table[SampleKey(tool: comparedWith, operation: key.operation, n: key.n)]?.median
                {
                    ratio = String(format: "%.2f", cnm / median)
                    ratioCSV = String(format: "%.4f", cnm / median)
                }
                let tool = key.tool.hasPrefix("cnm (SDK") ? "**\(key.tool)**" : key.tool
                let (early, late) = Self.drift(samples, n: key.n)
                let driftText = early == nil ? "—" : "\(Self.ms(early))→\(Self.ms(late))"
                markdown +=
                    "| \(key.operation) | \(key.n) | \(tool) | \(samples.count) | \(Self.ms(median)) | "
                markdown += "\(Self.ms(samples.p90)) | \(Self.ms(samples.p99)) | \(driftText) | \(ratio) |\n"
                csv += "\(CSV.field(key.operation)),\(key.n),\(CSV.field(key.tool)),\(samples.count),"
                csv += String(format: "%.4f,%.4f,%.4f,", median, samples.p90 ?? .nan, samples.p99 ?? .nan)
                csv += early.map { String(format: "%.4f,%.4f", $0, late ?? .nan) } ?? ","
                csv += ",\(ratioCSV),\(CSV.field(comparedWith ?? ""))\n"
            }
        }
        return (markdown + "\n", csv)
    }

    /// The medians of the first and of the last max(3, n/10) operations of a pass of `n`
    /// sandboxes (samples in the order taken), as bench-peers.sh computes them: what grows with
    /// the number of sandboxes attached. `nil` for n = 1 or when the samples are not one pass.
    private static func drift(_ samples: Samples, n: Int) -> (Double?, Double?) {
        guard n > 1, samples.count == n else { return (nil, nil) }
        let edge = max(3, n / 10)
        return (samples.prefix(edge).median, samples.suffix(edge).median)
    }

    /// cnm's rows first, then the peers from fastest to slowest.
    private func rank(_ key: SampleKey, _ table: SampleTable) -> (Int, Double) {
        if key.tool == Self.cnmFirewall { return (0, 0) }
        if key.tool == Self.cnmNoFirewall { return (1, 0) }
        return (2, table[key]?.median ?? .infinity)
    }

    /// Which cnm row a peer's ratio uses; `nil` for cnm's own rows.
    private func comparison(for tool: String, table: SampleTable, group: GroupKey) -> String? {
        if tool == Self.cnmFirewall || tool == Self.cnmNoFirewall { return nil }
        if Self.firewallPeers.contains(tool) { return Self.cnmFirewall }
        let noFirewall = SampleKey(tool: Self.cnmNoFirewall, operation: group.operation, n: group.n)
        return table[noFirewall] != nil ? Self.cnmNoFirewall : Self.cnmFirewall
    }

    private func kernel(_ table: SampleTable) -> String {
        let keys = table.keys.filter { $0.operation == "kernel primitive" }
        guard !keys.isEmpty else { return "" }
        var markdown =
            "### Kernel primitives (bench-peers.sh kprims: one `ip -batch` process, per operation)\n\n"
        markdown += "| primitive | ops per batch | ms per op |\n| --- | ---: | ---: |\n"
        for key in keys {
            markdown += "| \(key.tool) | \(key.n) | \(Self.ms(table[key]?.median)) |\n"
        }
        let oneByOne = SampleKey(
            tool: PeerTool.kernelLabel("delete_one_by_one"), operation: "kernel primitive", n: keys[0].n)
        if let floor = table[oneByOne]?.median {
            for tool in [Self.cnmFirewall, Self.cnmNoFirewall] {
                let detaches = table.keys.filter { $0.tool == tool && $0.operation == "detach" }
                for key in detaches {
                    guard let median = table[key]?.median else { continue }
                    markdown += "\n\(tool) detach N=\(key.n): \(Self.ms(median)) ms = "
                    markdown +=
                        String(format: "%.2f", median / floor) + "× the kernel's one-by-one veth delete."
                }
            }
            markdown += "\n"
        }
        return markdown + "\n"
    }

    private func throughput() -> String {
        guard let text = try? String(contentsOfFile: self.path("h2load.csv"), encoding: .utf8) else {
            return ""
        }
        var markdown = "### RPC throughput (h2load over the Unix socket, Connect unary JSON POST)\n\n"
        markdown +=
            "| method | clients (-c) | streams each (-m) | requests | succeeded | req/s | mean ms | max ms |\n"
        markdown += "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
        for row in CSV.rows(text) where row.count >= 8 {
            markdown += "| " + row[0...7].joined(separator: " | ") + " |\n"
        }
        return markdown + "\n"
    }

    private func scale() -> String {
        var table = SampleTable()
        table.addCSV(path: self.path("scale-samples.csv"))
        guard !table.keys.isEmpty || FileManager.default.fileExists(atPath: self.path("scale.csv")) else {
            return ""
        }
        var markdown = "### Scale\n\n"
        let probes = table.keys.filter { $0.tool == ScaleSuite.emptyPhase }
        if !probes.isEmpty {
            markdown +=
                "| operation | samples | empty daemon median / p90 / p99 ms | at scale median / p90 / p99 ms | at scale ÷ empty (median) |\n"
            markdown += "| --- | ---: | ---: | ---: | ---: |\n"
            for key in probes {
                let empty = table[key]
                let full = table[SampleKey(tool: ScaleSuite.fullPhase, operation: key.operation, n: key.n)]
                var ratio = "—"
                if let a = empty?.median, let b = full?.median { ratio = String(format: "%.2f", b / a) }
                markdown +=
                    "| \(key.operation) | \(key.n) | \(Self.triple(empty)) | \(Self.triple(full)) | \(ratio) |\n"
            }
            markdown += "\n"
        }
        let fills = table.keys.filter { $0.tool == "fill" || $0.tool == "cycles" }
        if !fills.isEmpty {
            markdown +=
                "| while filling / cycling | ops | median / p90 / p99 ms | first 10% median | last 10% median |\n"
            markdown += "| --- | ---: | ---: | ---: | ---: |\n"
            for key in fills {
                guard let samples = table[key] else { continue }
                let tenth = max(samples.count / 10, 1)
                markdown += "| \(key.tool): \(key.operation) | \(samples.count) | \(Self.triple(samples)) | "
                markdown +=
                    "\(Self.ms(samples.prefix(tenth).median)) | \(Self.ms(samples.suffix(tenth).median)) |\n"
            }
            markdown += "\n"
        }
        return markdown + self.metrics(file: "scale.csv", title: nil)
    }

    /// A `metric,value,unit` file as a two-column table.
    private func metrics(file: String, title: String?) -> String {
        guard let text = try? String(contentsOfFile: self.path(file), encoding: .utf8) else { return "" }
        let rows = CSV.rows(text).filter { $0.count >= 3 }
        guard !rows.isEmpty else { return "" }
        var markdown = title.map { "### \($0)\n\n" } ?? ""
        markdown += "| measure | value |\n| --- | ---: |\n"
        for row in rows {
            markdown += "| \(row[0]) | \(row[1]) \(row[2]) |\n"
        }
        return markdown + "\n"
    }

    private static func ms(_ value: Double?) -> String {
        guard let value else { return "—" }
        if value < 1 { return String(format: "%.3f", value) }
        if value < 100 { return String(format: "%.2f", value) }
        return String(format: "%.0f", value)
    }

    private static func triple(_ samples: Samples?) -> String {
        guard let samples else { return "—" }
        return "\(Self.ms(samples.median)) / \(Self.ms(samples.p90)) / \(Self.ms(samples.p99))"
    }
}

/// One cell group of the side-by-side table.
private struct GroupKey: Hashable {
    var operation: String
    var n: Int
}
