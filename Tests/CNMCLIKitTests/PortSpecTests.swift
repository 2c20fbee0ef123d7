import Testing

@testable import CNMCLIKit

@Suite("-p [IP:]HOST:CONTAINER[/PROTO]")
struct PortSpecTests {
    @Test(
        "valid forms become port bindings",
        arguments: [
            ("8080:80", PortSpec(hostPort: 8080, containerPort: 80)),
            ("8080:80/udp", PortSpec(hostPort: 8080, containerPort: 80, proto: "udp")),
            ("53:53/UDP", PortSpec(hostPort: 53, containerPort: 53, proto: "udp")),
            ("127.0.0.1:8080:80", PortSpec(hostIP: "127.0.0.1", hostPort: 8080, containerPort: 80)),
            ("127.0.0.1:8080:80/tcp", PortSpec(hostIP: "127.0.0.1", hostPort: 8080, containerPort: 80)),
            ("[::1]:8443:443", PortSpec(hostIP: "::1", hostPort: 8443, containerPort: 443)),
            (
                "[fd00::2]:1:65535/udp",
                PortSpec(hostIP: "fd00::2", hostPort: 1, containerPort: 65535, proto: "udp")
            ),
        ])
    func parses(text: String, expected: PortSpec) throws {
        #expect(try PortSpec(parsing: text) == expected)
    }

    @Test("the API binding carries every part")
    func binding() throws {
        let binding = try PortSpec(parsing: "10.0.0.1:8080:80/udp").binding
        #expect(binding.hostIp == "10.0.0.1")
        #expect(binding.hostPort == 8080)
        #expect(binding.containerPort == 80)
        #expect(binding.protocol == "udp")
    }

    @Test(
        "malformed values are refused with the value and the reason",
        arguments: [
            ("80", "host port and a container port"), ("a:80", "host port 'a'"),
            ("80:b", "container port 'b'"),
            ("0:80", "host port '0'"), ("80:65536", "container port '65536'"), ("80:80/sctp", "tcp or udp"),
            ("1.2.3:80:80", "not an IPv4 address"), ("::1:80:80", "host port and a container port"),
            ("[::1:80:80", "missing ']'"), ("[nope]:80:80", "not an IPv6 address"),
            ("[::1]80:80", "expected ':'"),
            ("1.2.3.4:5:6:7", "host port and a container port"), ("", "host port and a container port"),
        ])
    func refuses(text: String, reason: String) {
        #expect {
            try PortSpec(parsing: text)
        } throws: { error in
            guard let error = error as? CLIParseError else { return false }
            return error.value == text && error.description.contains("'\(text)'")
                && error.description.contains(reason)
        }
    }
}

@Suite("KEY=VALUE, links and filters")
struct KeyValueTests {
    @Test("KEY=VALUE splits at the first '=' and keeps an empty value")
    func keyValue() throws {
        #expect(try KeyValue(parsing: "a=b") == KeyValue(key: "a", value: "b"))
        #expect(try KeyValue(parsing: "com.x=y=z") == KeyValue(key: "com.x", value: "y=z"))
        #expect(try KeyValue(parsing: "empty=") == KeyValue(key: "empty", value: ""))
    }

    @Test("a value without '=' or with an empty key is refused, naming it")
    func keyValueRefused() {
        for text in ["novalue", "=v", ""] {
            #expect(throws: CLIParseError(value: text, expected: "KEY=VALUE")) { try KeyValue(parsing: text) }
        }
    }

    @Test("a later label replaces an earlier one with the same key")
    func dictionary() {
        let pairs = [
            KeyValue(key: "a", value: "1"), KeyValue(key: "b", value: "2"), KeyValue(key: "a", value: "3"),
        ]
        #expect(KeyValue.dictionary(pairs) == ["a": "3", "b": "2"])
    }

    @Test("filters group the values of one key in the order given")
    func filters() {
        let filters = Filters.apiFilters([
            KeyValue(key: "name", value: "web"), KeyValue(key: "driver", value: "bridge"),
            KeyValue(key: "name", value: "db"),
        ])
        #expect(filters.mapValues(\.values) == ["name": ["web", "db"], "driver": ["bridge"]])
    }

    @Test("links are NAME or NAME:ALIAS")
    func links() throws {
        #expect(try LinkSpec(parsing: "db").apiValue == "db")
        #expect(try LinkSpec(parsing: "db:database").alias == "database")
        for text in ["", ":a", "db:", "a:b:c"] {
            #expect(throws: CLIParseError(value: text, expected: "NAME[:ALIAS]")) {
                try LinkSpec(parsing: text)
            }
        }
    }
}
