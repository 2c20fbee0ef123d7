import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHPACK
import NIOHTTP2
import NIOPosix

@testable import CNMClient

/// An HTTP/2 server (prior knowledge, on a temporary Unix socket or loopback TCP) that answers
/// each request with a reply the test computes: the far side of the transport under test,
/// standing in for cnmd so that the client's wire behaviour can be checked exactly.
final class ScriptedConnectServer: Sendable {
    /// One request as the server received it.
    struct Request: Sendable {
        let path: String
        let headers: HPACKHeaders
        let body: [UInt8]

        func header(_ name: String) -> String? { headers.first(name: name) }
    }

    /// What the server answers.
    struct Reply: Sendable {
        var status = 200
        var headers: [(String, String)] = []
        /// Each chunk goes out as one DATA frame.
        var chunks: [[UInt8]] = []
        /// Waits this long before answering.
        var pause: Duration?
        /// Ends the stream without END_STREAM by closing the whole connection after the chunks.
        var closeConnectionAfterwards = false

        static func json(_ text: String, status: Int = 200) -> Reply {
            Reply(status: status, headers: [("content-type", "application/json")], chunks: [Array(text.utf8)])
        }
    }

    typealias Handler = @Sendable (Request) async -> Reply
    private typealias Stream = NIOAsyncChannel<HTTP2Frame.FramePayload, HTTP2Frame.FramePayload>
    private typealias Connection = NIOHTTP2Handler.AsyncStreamMultiplexer<Stream>

    /// Where the client should connect.
    let endpoint: CNMEndpoint
    private let listener: any Channel
    private let serving: Task<Void, Never>
    private let connections: NIOLockedValueBox<[any Channel]>

    /// How many connections clients have opened so far.
    var connectionCount: Int { connections.withLockedValue { $0.count } }

    private init(
        endpoint: CNMEndpoint, listener: any Channel, serving: Task<Void, Never>,
        connections: NIOLockedValueBox<[any Channel]>
    ) {
        self.endpoint = endpoint
        self.listener = listener
        self.serving = serving
        self.connections = connections
    }

    /// Starts a server on a new Unix socket (or on 127.0.0.1 with a free port when `tcp`).
    static func start(tcp: Bool = false, handler: @escaping Handler) async throws -> ScriptedConnectServer {
        let connections = NIOLockedValueBox<[any Channel]>([])
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        let initializer: @Sendable (any Channel) -> EventLoopFuture<Connection> = { channel in
            connections.withLockedValue { $0.append(channel) }
            return channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.configureAsyncHTTP2Pipeline(mode: .server) { stream in
                    stream.eventLoop.makeCompletedFuture { try Stream(wrappingChannelSynchronously: stream) }
                }
            }
        }
        let listener: NIOAsyncChannel<Connection, Never>
        let endpoint: CNMEndpoint
        if tcp {
            listener = try await bootstrap.bind(
                host: "127.0.0.1", port: 0, childChannelInitializer: initializer)
            endpoint = .h2c(host: "127.0.0.1", port: listener.channel.localAddress?.port ?? 0)
        } else {
            let path = FileManager.default.temporaryDirectory
                .appendingPathComponent("cnm-client-\(UUID().uuidString.prefix(8)).sock").path
            listener = try await bootstrap.bind(
                unixDomainSocketPath: path, cleanupExistingSocketFile: true,
                childChannelInitializer: initializer)
            endpoint = .unix(path: path)
        }
        let channel = listener.channel
        let serving = Task<Void, Never> {
            await withDiscardingTaskGroup { group in
                do {
                    try await listener.executeThenClose { inbound in
                        for try await connection in inbound {
                            group.addTask { await serve(connection, handler: handler) }
                        }
                    }
                } catch {}
            }
        }
        return ScriptedConnectServer(
            endpoint: endpoint, listener: channel, serving: serving, connections: connections)
    }

    /// Closes the listener and every connection.
    func stop() async {
        try? await listener.close()
        let open = connections.withLockedValue { $0 }
        for connection in open { try? await connection.close() }
        serving.cancel()
        await serving.value
        if case .unix(let path) = endpoint { try? FileManager.default.removeItem(atPath: path) }
    }

    private static func serve(_ connection: Connection, handler: @escaping Handler) async {
        await withDiscardingTaskGroup { group in
            do {
                for try await stream in connection.inbound {
                    group.addTask { await answer(stream, handler: handler) }
                }
            } catch {}
        }
    }

    private static func answer(_ stream: Stream, handler: @escaping Handler) async {
        try? await stream.executeThenClose { inbound, outbound in
            var headers = HPACKHeaders()
            var body: [UInt8] = []
            loop: for try await frame in inbound {
                switch frame {
                case .headers(let received):
                    headers = received.headers
                    if received.endStream { break loop }
                case .data(let data):
                    if case .byteBuffer(let buffer) = data.data { body += buffer.readableBytesView }
                    if data.endStream { break loop }
                default:
                    continue
                }
            }
            let request = Request(path: headers.first(name: ":path") ?? "", headers: headers, body: body)
            let reply = await handler(request)
            if let pause = reply.pause { try await Task.sleep(for: pause) }
            var responseHeaders = HPACKHeaders([(":status", String(reply.status))])
            for (name, value) in reply.headers { responseHeaders.add(name: name, value: value) }
            let endsAtHeaders = reply.chunks.isEmpty && !reply.closeConnectionAfterwards
            try await outbound.write(.headers(.init(headers: responseHeaders, endStream: endsAtHeaders)))
            for (index, chunk) in reply.chunks.enumerated() {
                let last = index == reply.chunks.count - 1 && !reply.closeConnectionAfterwards
                try await outbound.write(
                    .data(.init(data: .byteBuffer(ByteBuffer(bytes: chunk)), endStream: last)))
            }
            if reply.closeConnectionAfterwards {
                try await Task.sleep(for: .milliseconds(20))  // let the frames leave first
                try await stream.channel.parent?.close()
            }
        }
    }
}
