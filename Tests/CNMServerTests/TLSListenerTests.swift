import CNMServer
import Foundation
import Testing

/// TLS on TCP with client certificates, against a PKI made with openssl for each test run.
@Suite("TLS listener")
struct TLSListenerTests {
    /// A CA, a server leaf for localhost/127.0.0.1 and a client certificate, all signed by the CA.
    struct PKI {
        let directory: TemporaryDirectory
        var caCertificate: String { self.directory.file("ca.pem") }
        var serverCertificate: String { self.directory.file("server.pem") }
        var serverKey: String { self.directory.file("server.key") }
        var clientCertificate: String { self.directory.file("client.pem") }
        var clientKey: String { self.directory.file("client.key") }

        static func make() async throws -> PKI {
            let pki = PKI(directory: try TemporaryDirectory())
            let d = pki.directory
            try await Self.openssl([
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", d.file("ca.key"), "-out", pki.caCertificate, "-days", "2", "-subj",
                "/CN=cnm test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign",
            ])
            for (name, usage, san) in [
                ("server", "serverAuth", "subjectAltName=DNS:localhost,IP:127.0.0.1"),
                ("client", "clientAuth", "subjectAltName=DNS:cnm-client"),
            ] {
                try await Self.openssl([
                    "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", d.file("\(name).key"), "-out", d.file("\(name).csr"), "-subj", "/CN=\(name)",
                ])
                try "basicConstraints=CA:FALSE\nextendedKeyUsage=\(usage)\n\(san)\n"
                    .write(toFile: d.file("\(name).ext"), atomically: true, encoding: .utf8)
                try await Self.openssl([
                    "x509", "-req", "-in", d.file("\(name).csr"), "-CA", pki.caCertificate, "-CAkey",
                    d.file("ca.key"),
                    "-CAcreateserial", "-days", "2", "-out", d.file("\(name).pem"), "-extfile",
                    d.file("\(name).ext"),
                ])
            }
            return pki
        }

        private static func openssl(_ arguments: [String]) async throws {
            let output = try await Command.run("/usr/bin/openssl", arguments)
            guard output.exitCode == 0 else { throw CommandFailed(command: "openssl", output: output.stderr) }
        }
    }

    @Test("TLS negotiates h2 (and http/1.1) by ALPN and requires a client certificate signed by the CA")
    func clientCertificates() async throws {
        let pki = try await PKI.make()
        let server = ConnectServer(router: EchoService.router(), logger: TestServer.logger)
        let bound = try await server.start([
            .tls(
                HostAndPort(host: "127.0.0.1", port: 0),
                files: .init(
                    certificateChain: pki.serverCertificate, privateKey: pki.serverKey,
                    clientCA: pki.caCertificate))
        ])
        let port = try #require(bound.first?.port)
        let trust = ["--cacert", pki.caCertificate]
        let identity = ["--cert", pki.clientCertificate, "--key", pki.clientKey]
        let json = ["-H", "content-type: application/json"]

        let h2 = Curl(connectArguments: trust + identity + ["--http2"], baseURL: "https://localhost:\(port)")
        let viaH2 = try await h2.run(EchoService.echo, json, body: Data("\"tls\"".utf8))
        #expect(viaH2.exitCode == 0, "\(viaH2.stderr)")
        #expect(viaH2.httpVersion == "2")
        #expect(viaH2.bodyText == "\"echo: tls\"")

        let h1 = Curl(
            connectArguments: trust + identity + ["--http1.1"], baseURL: "https://127.0.0.1:\(port)")
        let viaH1 = try await h1.run(EchoService.echo, json, body: Data("\"one\"".utf8))
        #expect(viaH1.httpVersion == "1.1")
        #expect(viaH1.bodyText == "\"echo: one\"")

        let anonymous = Curl(connectArguments: trust + ["--http2"], baseURL: "https://localhost:\(port)")
        let refused = try await anonymous.run(EchoService.echo, json, body: Data("\"who\"".utf8))
        #expect(refused.exitCode != 0, "a client without a certificate must not get an answer")
        #expect(refused.status != 200)

        await server.shutdown()
    }

    @Test("a missing certificate file is reported with its path")
    func missingCertificate() async throws {
        let directory = try TemporaryDirectory()
        let server = ConnectServer(router: EchoService.router(), logger: TestServer.logger)
        let missing = directory.file("nope.pem")
        await #expect {
            try await server.start([
                .tls(
                    HostAndPort(host: "127.0.0.1", port: 0),
                    files: .init(certificateChain: missing, privateKey: missing))
            ])
        } throws: { error in
            guard case .tlsConfiguration(let file, _) = error as? ServerError else { return false }
            return file == missing
        }
    }
}
