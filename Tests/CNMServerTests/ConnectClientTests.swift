import CNMClient
import CNMServer
import Foundation
import SwiftProtobuf
import Testing

/// The project's own Swift client (CNMClient) against the Connect layer: one shared HTTP/2
/// connection, both codecs, errors and streams.
@Suite("CNMClient against the Connect layer")
struct ConnectClientTests {
    private func client(for server: TestServer, codec: CNMCodec) throws -> CNMClient {
        try CNMClient(
            configuration: CNMClientConfiguration(endpoint: .unix(path: server.socketPath), codec: codec))
    }

    @Test("1,000 concurrent calls over one connection all get their own answer", arguments: CNMCodec.allCases)
    func thousandConcurrentCalls(codec: CNMCodec) async throws {
        try await TestServer.with(.unixHTTP2) { server in
            let client = try self.client(for: server, codec: codec)
            let answers = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for index in 0..<1000 {
                    group.addTask {
                        let response = try await client.unary(
                            EchoService.echo, Google_Protobuf_StringValue("call \(index)"),
                            returning: Google_Protobuf_StringValue.self)
                        return (index, response.value)
                    }
                }
                var answers: [Int: String] = [:]
                for try await (index, value) in group { answers[index] = value }
                return answers
            }
            #expect(answers.count == 1000)
            #expect((0..<1000).allSatisfy { answers[$0] == "echo: call \($0)" })
            #expect(server.server.connectionsAccepted == 1)
            await client.close()
        }
    }

    @Test("a handler's error reaches the client with its code and message", arguments: CNMCodec.allCases)
    func errorThroughClient(codec: CNMCodec) async throws {
        try await TestServer.with(.unixHTTP2) { server in
            let client = try self.client(for: server, codec: codec)
            do throws(CNMError) {
                _ = try await client.unary(
                    EchoService.fail, Google_Protobuf_StringValue("green"),
                    returning: Google_Protobuf_Empty.self)
                Issue.record("the call succeeded")
            } catch {
                #expect(error.code == .notFound)
                #expect(error.message == "network green not found")
            }
            await client.close()
        }
    }

    @Test(
        "a server stream delivers every message, then ends; its error ends the client's stream",
        arguments: CNMCodec.allCases)
    func streamThroughClient(codec: CNMCodec) async throws {
        try await TestServer.with(.unixHTTP2) { server in
            let client = try self.client(for: server, codec: codec)
            var numbers: [UInt32] = []
            for try await number in client.serverStream(
                EchoService.count, Google_Protobuf_UInt32Value(5), returning: Google_Protobuf_UInt32Value.self
            ) {
                numbers.append(number.value)
            }
            #expect(numbers == [1, 2, 3, 4, 5])

            var received = 0
            do {
                for try await _ in client.serverStream(
                    EchoService.count, Google_Protobuf_UInt32Value(500),
                    returning: Google_Protobuf_UInt32Value.self)
                {
                    received += 1
                }
                Issue.record("the stream ended without its error")
            } catch let error as CNMError {
                #expect(error.code == .resourceExhausted)
            }
            #expect(received == Int(EchoService.countLimit) - 1)
            await client.close()
        }
    }
}
