import Foundation

/// Single figures (`metric,value,unit` CSV lines) such as cnmd's RSS or its restart time,
/// appended to a file as they are measured.
final class MetricLog {
    private let path: String

    init(path: String) throws {
        self.path = path
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: Data("metric,value,unit\n".utf8))
            else {
                throw BenchError("cannot create \(path)")
            }
        }
    }

    func record(_ metric: String, _ value: Double, _ unit: String) {
        let line = "\(CSV.field(metric)),\(String(format: "%.3f", value)),\(CSV.field(unit))\n"
        guard let handle = FileHandle(forWritingAtPath: self.path) else { return }
        handle.seekToEndOfFile()
        handle.write(Data(line.utf8))
        try? handle.close()
        Progress.note("\(metric) = \(String(format: "%.3f", value)) \(unit)")
    }
}
