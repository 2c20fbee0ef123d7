import ArgumentParser
import CNMClient
import Foundation

/// What every command that talks to cnmd does around its work: make the client from the
/// connection options, close it afterwards, and report errors as `Error: MESSAGE` with exit
/// status 1.
enum CommandContext {
    /// Runs `body` with a client for `options`; a ``CNMError`` thrown by it ends the command
    /// with the error's message.
    static func withClient<T>(
        _ options: ConnectionOptions, _ body: (CNMClient) async throws -> T
    ) async throws -> T {
        let endpoint = try options.endpoint(environment: ProcessInfo.processInfo.environment)
        let client = try CNMClient(
            configuration: CNMClientConfiguration(endpoint: endpoint, tls: options.tls))
        do {
            let result = try await body(client)
            await client.close()
            return result
        } catch {
            await client.close()
            throw error
        }
    }

    /// Runs `body` for each argument, printing the error of each one that fails and carrying
    /// on (as `docker rm a b` does); fails at the end when any did.
    static func forEach(
        _ arguments: [String], _ body: (String) async throws(CNMError) -> Void
    ) async throws {
        var failed = false
        for argument in arguments {
            do throws(CNMError) {
                try await body(argument)
            } catch  where error.code == .unavailable {
                throw error  // cnmd is unreachable: one error, not one per argument
            } catch {
                StandardOutput.flush()  // keep the names printed so far ahead of the error
                StandardError.printError(error.errorDescription ?? error.description)
                failed = true
            }
        }
        if failed { throw ExitCode.failure }
    }
}

/// The command's output.
enum StandardOutput {
    /// Sends what `print` buffered, so that a reader of a pipe sees each line at once
    /// (`cnm events`) and a prompt appears before the answer is read.
    static func flush() {
        fflush(nil)  // all streams: naming `stdout` is not concurrency-safe in Swift 6
    }
}

/// Messages for people on standard error.
enum StandardError {
    /// `Error: MESSAGE` on standard error.
    static func printError(_ message: String) {
        FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
    }
}
