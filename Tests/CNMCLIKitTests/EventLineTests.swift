import CNMAPI
import SwiftProtobuf
import Testing

@testable import CNMCLIKit

@Suite("cnm events, version and info output")
struct EventLineTests {
    @Test("an event is time, type, action, actor ID and the sorted attributes with the name")
    func eventLine() {
        var event = Cnm_V1_Event()
        event.time = Google_Protobuf_Timestamp(seconds: 1_800_000_000, nanos: 123_000_000)
        event.type = "network"
        event.action = "connect"
        event.actor.id = "abc123"
        event.actor.name = "web"
        event.actor.attributes = ["sandbox": "box1", "endpoint": "e1"]
        #expect(
            EventLine.format(event)
                == "2027-01-15T08:00:00.123Z network connect abc123 (endpoint=e1, name=web, sandbox=box1)")
    }

    @Test("an event without attributes has no parentheses")
    func eventWithoutAttributes() {
        var event = Cnm_V1_Event()
        event.time = Google_Protobuf_Timestamp(seconds: 0)
        event.type = "sandbox"
        event.action = "delete"
        event.actor.id = "id"
        #expect(EventLine.format(event) == "1970-01-01T00:00:00Z sandbox delete id")
    }

    @Test("version shows the client and the server")
    func version() {
        var server = Cnm_V1_GetVersionResponse()
        server.version = "0.2.0"
        server.apiVersion = "v1"
        server.gitCommit = "deadbeef"
        #expect(
            SystemReport.version(client: "0.1.0", server: server) == """
                Client:
                 Version:     0.1.0
                Server:
                 Version:     0.2.0
                 API version: v1
                 Git commit:  deadbeef

                """)
    }

    @Test("info shows counts, drivers, store and the last reconciliation")
    func info() {
        var info = Cnm_V1_GetInfoResponse()
        info.networks = 3
        info.endpoints = 1
        info.sandboxes = 2
        info.drivers = ["bridge", "host", "null"]
        info.store = "sqlite"
        info.stateDir = "/var/lib/cnm"
        info.lastReconcile.startedAt = Google_Protobuf_Timestamp(seconds: 0)
        info.lastReconcile.durationMs = 12
        info.lastReconcile.repaired = ["recreated bridge cnm0"]
        #expect(
            SystemReport.info(info) == """
                Networks: 3
                Endpoints: 1
                Sandboxes: 2
                Drivers: bridge host null
                Store: sqlite
                State dir: /var/lib/cnm
                Last reconcile: 1970-01-01T00:00:00Z (12 ms, 1 repaired)
                 recreated bridge cnm0

                """)
    }
}
