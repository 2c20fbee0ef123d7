import Foundation

/// What a fuzz run sent and how cnmd answered.
struct FuzzTally: Sendable {
    var sent = 0
    var perCategory: [String: Int] = [:]
    /// Answers by kind: "HTTP 400", "HTTP/2 reset PROTOCOL_ERROR", "connection closed"…
    var answers: [String: Int] = [:]
    var reconnects = 0
    var failures: [String] = []
}

/// Sends malformed requests one at a time, alternating HTTP/2 and HTTP/1.1 connections on
/// cnmd's socket, and judges every answer. A connection cnmd closes is replaced; a request whose
/// connection went away although it deserved an answer is retried once on a fresh one, so that
/// a close caused by an earlier request is not blamed on it. Runs on one thread (blocking I/O).
final class FuzzRun {
    private let path: String
    private var generator: MalformedRequestGenerator
    private var http1: RawHTTP1?
    private var http2: RawHTTP2?
    private var tally = FuzzTally()

    init(path: String, generator: MalformedRequestGenerator) {
        self.path = path
        self.generator = generator
    }

    func run(count: Int) throws -> FuzzTally {
        for index in 0..<count {
            let useHTTP2 = index % 2 == 0
            let request = self.generator.next(http2: useHTTP2)
            self.tally.sent += 1
            self.tally.perCategory[request.category, default: 0] += 1
            var verdict = try self.exchange(request, http2: useHTTP2)
            if case .retry = verdict {
                self.tally.reconnects += 1
                verdict = try self.exchange(request, http2: useHTTP2)
            }
            switch verdict {
            case .ok(let answer): self.tally.answers[answer, default: 0] += 1
            case .retry: self.fail(request, "the connection closed twice without an answer")
            case .wrong(let answer):
                self.tally.answers[answer, default: 0] += 1
                self.fail(request, answer)
            }
        }
        return self.tally
    }

    private enum Verdict {
        case ok(String)
        case wrong(String)
        case retry
    }

    private func fail(_ request: MalformedRequest, _ answer: String) {
        if self.tally.failures.count < 25 { self.tally.failures.append("\(request.summary) → \(answer)") }
    }

    private func exchange(_ request: MalformedRequest, http2: Bool) throws -> Verdict {
        do {
            return http2 ? try self.exchangeHTTP2(request) : try self.exchangeHTTP1(request)
        } catch SocketError.timeout {
            self.http1 = nil
            self.http2 = nil
            return .wrong("no answer within 10 s")
        } catch let error as HPACK.DecodingError {
            self.http2 = nil
            return .wrong("undecodable response headers: \(error)")
        }
    }

    private func exchangeHTTP1(_ request: MalformedRequest) throws -> Verdict {
        let connection = try self.http1 ?? RawHTTP1(path: self.path)
        self.http1 = connection
        do {
            if let raw = request.raw {
                try connection.sendRaw(raw)
            } else {
                try connection.send(
                    method: request.method, path: request.path, headers: request.headers, body: request.body,
                    chunked: request.chunked)
            }
            let response = try connection.readResponse()
            if request.raw != nil || response.header("connection")?.lowercased() == "close" {
                self.http1 = nil
            }
            return Self.judge(status: response.status, body: response.body, request.expectation)
        } catch SocketError.closed {
            self.http1 = nil
            return request.expectation == .refused ? .ok("connection closed") : .retry
        }
    }

    private func exchangeHTTP2(_ request: MalformedRequest) throws -> Verdict {
        let connection: RawHTTP2
        do {
            connection = try self.http2 ?? RawHTTP2(path: self.path)
        } catch SocketError.closed {
            self.http2 = nil
            return .retry
        }
        self.http2 = connection
        let outcome = try connection.request(
            method: request.method, path: request.path, headers: request.headers, body: request.body)
        if connection.goaway != nil { self.http2 = nil }
        switch outcome {
        case .response(let response):
            return Self.judge(status: response.status, body: response.body, request.expectation)
        case .reset(let code):
            let answer = "HTTP/2 reset \(HTTP2Frame.errorName(code))"
            return request.expectation == .refused ? .ok(answer) : .wrong(answer)
        case .connectionClosed(let code):
            self.http2 = nil
            let answer = "HTTP/2 connection closed (\(code.map(HTTP2Frame.errorName) ?? "no GOAWAY"))"
            return request.expectation == .refused ? .ok(answer) : .retry
        }
    }

    /// A 4xx (501 `unimplemented` where expected); a JSON body must be a Connect error.
    private static func judge(status: Int, body: [UInt8], _ expectation: MalformedRequest.Expectation)
        -> Verdict
    {
        var answer = "HTTP \(status)"
        var code: String?
        if body.first == UInt8(ascii: "{") {
            let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
            code = object?["code"] as? String
            guard code != nil else {
                return .wrong(
                    "\(answer) with a JSON body that is no Connect error: \(String(decoding: body.prefix(120), as: UTF8.self))"
                )
            }
            answer += " \(code!)"
        }
        switch expectation {
        case .clientError, .refused:
            return (400..<500).contains(status) ? .ok(answer) : .wrong(answer)
        case .unimplemented:
            return status == 501 && code == "unimplemented" ? .ok(answer) : .wrong(answer)
        }
    }
}
