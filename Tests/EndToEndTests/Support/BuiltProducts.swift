import Foundation

/// The `cnmd` and `cnm` executables that `swift build --build-tests` put next to the test
/// bundle (`.build/debug/`).
enum BuiltProducts {
    /// The directory of the running test bundle (`/proc/self/exe`), where SwiftPM also puts
    /// the package's executables.
    static let directory: String = {
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().path
    }()

    /// The path of `cnmd`.
    static var cnmd: String { get throws { try path(of: "cnmd") } }

    /// The path of `cnm`.
    static var cnm: String { get throws { try path(of: "cnm") } }

    private static func path(of name: String) throws -> String {
        let path = directory + "/" + name
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw MissingProduct(path: path)
        }
        return path
    }
}

/// An executable the tests need was not built.
struct MissingProduct: Error, CustomStringConvertible {
    let path: String
    var description: String {
        "\(path) does not exist: build the package first (swift build --build-tests)"
    }
}
