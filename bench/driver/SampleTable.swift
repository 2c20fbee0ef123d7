import Foundation

/// Samples read back from the files of one run: the driver's and run.sh's CSV
/// (`tool,operation,n,ms`) and bench-peers.sh's `raw.tsv`.
struct SampleTable {
    private(set) var samples: [SampleKey: Samples] = [:]

    /// The keys in a stable order: by tool, operation, n.
    var keys: [SampleKey] {
        self.samples.keys.sorted { ($0.tool, $0.operation, $0.n) < ($1.tool, $1.operation, $1.n) }
    }

    subscript(key: SampleKey) -> Samples? { self.samples[key] }

    mutating func add(_ key: SampleKey, _ milliseconds: Double) {
        self.samples[key, default: Samples()].append(milliseconds)
    }

    /// Adds the rows of a `tool,operation,n,ms` file; a missing file adds nothing.
    mutating func addCSV(path: String) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return }
        for row in CSV.rows(text) where row.count >= 4 {
            guard let n = Int(row[2]), let value = Double(row[3]) else { continue }
            self.add(SampleKey(tool: row[0], operation: row[1], n: n), value)
        }
    }

    /// Adds the attach (`add`) and detach (`del`) samples and kernel primitives of a
    /// bench-peers.sh `raw.tsv` (`run tool N op i value_us count`), naming the tools with
    /// `PeerTool`. A missing file adds nothing.
    mutating func addPeerRaw(path: String) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return }
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= 7, let n = Int(fields[2]), let value = Double(fields[5]),
                let count = Double(fields[6]), count > 0
            else { continue }
            let tool = String(fields[1])
            let op = String(fields[3])
            let milliseconds = value / count / 1000
            if tool == "kprims" {
                guard op != "load" else { continue }
                self.add(
                    SampleKey(tool: PeerTool.kernelLabel(op), operation: "kernel primitive", n: n),
                    milliseconds)
                continue
            }
            // The anchor's first attach and last detach happen once per pass: pooled under n = 1.
            let operation: String
            var population = n
            switch op {
            case "add": operation = "attach"
            case "del": operation = "detach"
            case "add0": (operation, population) = ("attach (anchor, first on the network)", 1)
            case "del0": (operation, population) = ("detach (anchor, last on the network)", 1)
            default: continue
            }
            self.add(SampleKey(tool: PeerTool.label(tool), operation: operation, n: population), milliseconds)
        }
    }
}

/// bench-peers.sh's tool names, as the report shows them, and whether the tool installs
/// firewall rules (so that the ratio compares it with cnm in the same mode).
enum PeerTool {
    static func label(_ name: String) -> String {
        switch name {
        case "cni": "CNI bridge, ipMasq=false"
        case "cnimasq": "CNI bridge, ipMasq=true"
        case "nvint": "netavark, internal (no firewall)"
        case "nv": "netavark, iptables firewall"
        case "ip": "iproute2, 6 ip procs (peer moved)"
        case "ipnomove": "iproute2, 5 ip procs"
        case "ipbatch": "iproute2, ip -batch"
        case "pyroute2": "pyroute2, one process"
        case "extra": "cnm CLI, process per op"
        default: name
        }
    }

    static func kernelLabel(_ primitive: String) -> String {
        switch primitive {
        case "netns_add": "netns add"
        case "veth_create": "veth create (peer in host)"
        case "move_peer_into_netns": "move peer into netns"
        case "enslave_and_up": "enslave + up"
        case "delete_one_by_one": "veth delete, one by one"
        case "veth_create_peer_in_netns": "veth create, peer born in netns"
        case "delete_as_one_group": "veth delete, as one group"
        case "netns_del": "netns del"
        default: primitive
        }
    }
}
