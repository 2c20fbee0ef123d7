import ArgumentParser
import CNMAPI
import CNMClient
import Testing

@testable import CNMCLIKit

/// The commands as argument-parser sees them: which request each command line becomes.
@Suite("cnm command lines")
struct CommandParsingTests {
    @Test("network create turns its flags into one CreateNetwork request")
    func networkCreate() throws {
        let command = try #require(
            try CNMCommand.parseAsRoot([
                "network", "create", "-d", "bridge", "--subnet", "10.1.0.0/24", "--gateway", "10.1.0.1",
                "--ip-range", "10.1.0.128/25", "--subnet", "fd00:1::/64", "--ipv6", "--internal",
                "--label", "env=test", "-o", "com.docker.network.bridge.name=br-web", "web",
            ]) as? NetworkCommand.Create)
        let request = command.request
        #expect(request.name == "web")
        #expect(request.driver == "bridge")
        #expect(request.enableIpv6)
        #expect(request.internal)
        #expect(request.labels == ["env": "test"])
        #expect(request.options == ["com.docker.network.bridge.name": "br-web"])
        #expect(request.ipam.configs.map(\.subnet) == ["10.1.0.0/24", "fd00:1::/64"])
        #expect(request.ipam.configs.map(\.gateway) == ["10.1.0.1", ""])
        #expect(request.ipam.configs.map(\.ipRange) == ["10.1.0.128/25", ""])
    }

    @Test("network create without IPAM flags leaves ipam unset and the driver to cnmd")
    func networkCreateMinimal() throws {
        let command = try #require(
            try CNMCommand.parseAsRoot(["network", "create", "n"]) as? NetworkCommand.Create)
        #expect(!command.request.hasIpam)
        #expect(command.request.driver == "")
    }

    @Test("a gateway without a subnet is a usage error")
    func gatewayWithoutSubnet() {
        #expect(throws: (any Error).self) {
            try CNMCommand.parseAsRoot(["network", "create", "--gateway", "10.0.0.1", "n"])
        }
    }

    @Test("network connect turns aliases, addresses, links and ports into the endpoint config")
    func networkConnect() throws {
        let command = try #require(
            try CNMCommand.parseAsRoot([
                "network", "connect", "--alias", "api", "--alias", "api2", "--ip", "10.1.0.5", "--ip6",
                "fd00:1::5",
                "--link", "db:database", "-p", "127.0.0.1:8080:80", "-p", "53:53/udp", "web", "box1",
            ]) as? NetworkCommand.Connect)
        let request = command.request
        #expect(request.network == "web")
        #expect(request.sandbox == "box1")
        #expect(request.endpointConfig.aliases == ["api", "api2"])
        #expect(request.endpointConfig.ipv4Address == "10.1.0.5")
        #expect(request.endpointConfig.ipv6Address == "fd00:1::5")
        #expect(request.endpointConfig.links == ["db:database"])
        #expect(
            request.endpointConfig.portBindings == [
                PortSpec(hostIP: "127.0.0.1", hostPort: 8080, containerPort: 80).binding,
                PortSpec(hostPort: 53, containerPort: 53, proto: "udp").binding,
            ])
    }

    @Test("a malformed -p is refused with a message naming the value")
    func badPublish() {
        #expect {
            try CNMCommand.parseAsRoot(["network", "connect", "-p", "80", "web", "box1"])
        } throws: { error in
            CNMCommand.message(for: error).contains("'80'")
        }
    }

    @Test("sandbox create maps --dns, --netns and --network")
    func sandboxCreate() throws {
        let command = try #require(
            try CNMCommand.parseAsRoot([
                "sandbox", "create", "--hostname", "h1", "--netns", "/proc/1/ns/net", "--dns", "10.0.0.53",
                "--dns", "10.0.0.54", "--network", "none", "box1",
            ]) as? SandboxCommand.Create)
        let request = command.request
        #expect(request.name == "box1")
        #expect(request.hostname == "h1")
        #expect(request.netnsPath == "/proc/1/ns/net")
        #expect(request.dns.nameservers == ["10.0.0.53", "10.0.0.54"])
        #expect(request.network == "none")
    }

    @Test("--host is accepted before and after the subcommand, and CNM_HOST is the fallback")
    func hostOption() throws {
        let before = try #require(
            try CNMCommand.parseAsRoot(["--host", "h2c://127.0.0.1:7070", "network", "ls"])
                as? NetworkCommand.List)
        #expect(try before.connection.endpoint(environment: [:]) == .h2c(host: "127.0.0.1", port: 7070))
        let after = try #require(
            try CNMCommand.parseAsRoot(["network", "ls", "--host", "unix:///tmp/c.sock"])
                as? NetworkCommand.List)
        #expect(try after.connection.endpoint(environment: [:]) == .unix(path: "/tmp/c.sock"))
        let none = try #require(try CNMCommand.parseAsRoot(["network", "ls"]) as? NetworkCommand.List)
        #expect(
            try none.connection.endpoint(environment: ["CNM_HOST": "https://cnm:7443"])
                == .tls(host: "cnm", port: 7443))
        #expect(try none.connection.endpoint(environment: [:]) == .default)
    }

    @Test("a malformed host names the value and where it came from")
    func badHost() throws {
        let command = try #require(try CNMCommand.parseAsRoot(["network", "ls"]) as? NetworkCommand.List)
        #expect {
            try command.connection.endpoint(environment: ["CNM_HOST": "tcp://x:1"])
        } throws: { error in
            "\(error)".contains("tcp://x:1") && "\(error)".contains("CNM_HOST")
        }
    }

    @Test("network ls takes -q, --format and repeated --filter")
    func networkList() throws {
        let command = try #require(
            try CNMCommand.parseAsRoot([
                "network", "ls", "-q", "--format", "json", "--filter", "driver=bridge", "--filter",
                "name=web",
            ]) as? NetworkCommand.List)
        #expect(command.quiet)
        #expect(command.format == .json)
        #expect(
            command.filter == [KeyValue(key: "driver", value: "bridge"), KeyValue(key: "name", value: "web")])
        #expect(throws: (any Error).self) {
            try CNMCommand.parseAsRoot(["network", "ls", "--format", "yaml"])
        }
        #expect(throws: (any Error).self) {
            try CNMCommand.parseAsRoot(["network", "ls", "--filter", "name"])
        }
    }
}
