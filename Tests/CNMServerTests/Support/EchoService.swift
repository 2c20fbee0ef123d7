import CNMServer
import Foundation
import SwiftProtobuf

/// A small service built from protobuf's well-known types, to exercise the Connect layer
/// without the cnm API.
enum EchoService {
    static let echo = "/test.v1.EchoService/Echo"
    static let inspect = "/test.v1.EchoService/Inspect"
    static let fail = "/test.v1.EchoService/Fail"
    static let sleep = "/test.v1.EchoService/Sleep"
    static let count = "/test.v1.EchoService/Count"
    static let hold = "/test.v1.EchoService/Hold"
    /// Echoes a message with ordinary fields (SourceContext has `fileName`).
    static let source = "/test.v1.EchoService/Source"
    /// A synchronous handler (run on the event loop): upper-cases the text and names the
    /// procedure it was called as; an empty text is `invalid_argument`.
    static let shout = "/test.v1.EchoService/Shout"

    /// The number a `Count` stream fails at, with `resource_exhausted`.
    static let countLimit: UInt32 = 100

    /// The router; `gate` lets a test decide when `Sleep` calls end (besides their duration).
    static func router() -> ConnectRouter {
        var router = ConnectRouter()
        router.unary(Self.echo) { (request: Google_Protobuf_StringValue) in
            Google_Protobuf_StringValue("echo: \(request.value)")
        }
        router.unary(Self.inspect, noSideEffects: true) { (request: Google_Protobuf_Struct) in
            var response = request
            response.fields["procedure"] = Google_Protobuf_Value(
                stringValue: ConnectRequestContext.current?.procedure ?? "none")
            return response
        }
        router.unary(Self.source) { (request: Google_Protobuf_SourceContext) in request }
        router.synchronousUnary(Self.shout, noSideEffects: true) { (request: Google_Protobuf_StringValue) in
            guard !request.value.isEmpty else { throw ConnectError(.invalidArgument, "nothing to shout") }
            let procedure = ConnectRequestContext.current?.procedure ?? "none"
            return Google_Protobuf_StringValue("\(request.value.uppercased()) (\(procedure))")
        }
        router.unary(Self.fail) { (request: Google_Protobuf_StringValue) -> Google_Protobuf_Empty in
            throw ConnectError(.notFound, "network \(request.value) not found")
        }
        router.unary(Self.sleep) { (request: Google_Protobuf_UInt32Value) in
            try await Task.sleep(for: .milliseconds(request.value))
            return Google_Protobuf_StringValue("slept \(request.value) ms")
        }
        router.serverStreaming(Self.count) {
            (request: Google_Protobuf_UInt32Value, stream: ConnectServerStream<Google_Protobuf_UInt32Value>)
            in
            for number in 1...max(request.value, 1) where request.value > 0 {
                if number == Self.countLimit {
                    throw ConnectError(.resourceExhausted, "cannot count to \(request.value)")
                }
                try await stream.send(Google_Protobuf_UInt32Value(number))
            }
        }
        router.serverStreaming(Self.hold) {
            (request: Google_Protobuf_StringValue, stream: ConnectServerStream<Google_Protobuf_StringValue>)
            in
            try await stream.send(Google_Protobuf_StringValue("holding \(request.value)"))
            try await Task.sleep(for: .seconds(3600))
        }
        return router
    }
}
