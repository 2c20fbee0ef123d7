import CNMAPI
import SwiftProtobuf

/// One line of `cnm events`, like `docker events`:
/// `2026-11-29T13:00:00.123Z network create 3f2a… (driver=bridge, name=web)`.
public enum EventLine {
    public static func format(_ event: Cnm_V1_Event) -> String {
        var attributes = event.actor.attributes
        if !event.actor.name.isEmpty { attributes["name"] = event.actor.name }
        var line = "\(timestamp(event.time)) \(event.type) \(event.action) \(event.actor.id)"
        if !attributes.isEmpty {
            let pairs = attributes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            line += " (" + pairs.joined(separator: ", ") + ")"
        }
        return line
    }

    /// RFC 3339 in UTC, as the API writes times.
    static func timestamp(_ time: Google_Protobuf_Timestamp) -> String {
        guard let json = try? time.jsonString() else { return "-" }
        return json.hasPrefix("\"") && json.hasSuffix("\"") ? String(json.dropFirst().dropLast()) : json
    }
}
