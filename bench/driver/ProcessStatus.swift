import Foundation

/// Memory figures of a running process from `/proc/PID/status`.
struct ProcessStatus: Sendable {
    /// Resident set size now, KiB (`VmRSS`).
    var rssKiB: Int
    /// Peak resident set size, KiB (`VmHWM`).
    var peakKiB: Int

    /// Reads the status of process `pid`.
    init(pid: Int32) throws {
        let path = "/proc/\(pid)/status"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw BenchError("cannot read \(path): is cnmd (pid \(pid)) running?")
        }
        var fields: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == ":" || $0 == " " || $0 == "\t" })
            if parts.count >= 2, let value = Int(parts[1]) { fields[String(parts[0])] = value }
        }
        guard let rss = fields["VmRSS"], let peak = fields["VmHWM"] else {
            throw BenchError("\(path) has no VmRSS/VmHWM")
        }
        self.rssKiB = rss
        self.peakKiB = peak
    }

    var rssMiB: Double { Double(self.rssKiB) / 1024 }
}
