import Foundation
import ParleyModel
import ParleyWeb

/// Shared pieces of the CLI's commands: where the server is, how to print results and errors.
public enum CLISupport {
    /// `--server`, else `PARLEY_SERVER`, else the local default.
    public static func client(server: String?, token: String?) -> APIClient {
        let env = ProcessInfo.processInfo.environment
        let base = server ?? env["PARLEY_SERVER"] ?? "http://127.0.0.1:8080"
        return APIClient(baseURL: base, token: token ?? env["PARLEY_TOKEN"])
    }

    /// Prints a ParleyError as the CLI shows it: what happened, then what to do.
    public static func report(_ error: any Error) {
        var text: String
        if let error = error as? ParleyError {
            text = "error: \(error.field.map { "\($0): " } ?? "")\(error.message)\n"
            if let fix = error.fix { text += "  fix: \(fix)\n" }
        } else {
            text = "error: \(error)\n"
        }
        FileHandle.standardError.write(Data(text.utf8))
    }

    public static func printJSON<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    public static func meetingTable(_ meetings: [MeetingDTO]) -> String {
        TextTable(
            headers: ["MEETING ID", "TITLE", "HOST", "START", "END", "STATE", "ID"],
            rows: meetings.map { m in
                [m.meetingID, m.title, m.host, m.reservationless ? "reservationless" : (m.start ?? ""), m.end ?? "", m.state, m.id]
            }
        ).rendered
    }

    public static func meetingDetail(_ m: MeetingDTO) -> String {
        var rows: [(String, String)] = [
            ("Meeting ID", m.meetingID), ("Title", m.title), ("Host", m.host), ("State", m.state),
        ]
        if m.reservationless {
            rows.append(("Schedule", "reservationless (always available)"))
        } else {
            rows.append(("Start", m.start ?? "-"))
            rows.append(("End", m.end ?? "-"))
        }
        rows += [
            ("Password", m.hasPassword ? "set" : "none"), ("Host PIN", m.hasHostPIN ? "set" : "none"),
            ("Expected", "\(m.expectedParticipants) participants"), ("Site", m.preferredSite ?? "any"),
            ("Record", m.id), ("Created", m.createdAt),
        ]
        if let s = m.startedAt { rows.append(("Started", s)) }
        if let e = m.endedAt { rows.append(("Ended", e)) }
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { $0.0 + String(repeating: " ", count: width - $0.0.count + 2) + $0.1 }.joined(separator: "\n")
    }

    public static func userTable(_ users: [UserDTO]) -> String {
        TextTable(
            headers: ["LOGIN", "NAME", "ROLE", "PROFILE", "EMAIL", "GROUP"],
            rows: users.map { [$0.login, $0.displayName, $0.role, $0.profileNumber ?? "", $0.email ?? "", $0.group ?? ""] }
        ).rendered
    }

    /// Parses a CLI time: RFC 3339, or `now`, or `+30m` / `+2h` from now.
    public static func parseTime(_ text: String, now: Date = Date()) -> String? {
        if text == "now" { return Timestamp(millisecondsSinceEpoch: Int64(now.timeIntervalSince1970) * 1000).rfc3339 }
        if text.hasPrefix("+"), let unit = text.last, let n = Int64(text.dropFirst().dropLast()) {
            let seconds: Int64
            switch unit {
            case "m": seconds = n * 60
            case "h": seconds = n * 3600
            case "d": seconds = n * 86_400
            default: return nil
            }
            return Timestamp(millisecondsSinceEpoch: Int64(now.timeIntervalSince1970) * 1000 + seconds * 1000).rfc3339
        }
        return Timestamp(rfc3339: text)?.rfc3339
    }
}
