import ArgumentParser
import CNMClient
import SwiftProtobuf

/// The `inspect` commands: fetch each object, print those found as one JSON array, report the
/// others as errors (exit status 1), like `docker inspect`.
enum Inspection {
    static func run<M: SwiftProtobuf.Message>(
        _ connection: ConnectionOptions, _ references: [String],
        fetch: @escaping (CNMClient, String) async throws(CNMError) -> M
    ) async throws {
        var found: [M] = []
        var errors: [String] = []
        try await CommandContext.withClient(connection) { client in
            for reference in references {
                do throws(CNMError) {
                    found.append(try await fetch(client, reference))
                } catch  where error.code == .unavailable {
                    throw error  // cnmd is unreachable: one error, not one per argument
                } catch {
                    errors.append(error.errorDescription ?? error.description)
                }
            }
        }
        print(try APIJSON.array(found))
        StandardOutput.flush()  // the array before the errors, as they were asked for
        for error in errors { StandardError.printError(error) }
        if !errors.isEmpty { throw ExitCode.failure }
    }
}
