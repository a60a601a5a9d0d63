import ArgumentParser
import NIOHTTP1
import ParleyConfig
import ParleyDirector
import ParleyModel
import ParleyApp
import ParleyWeb

struct MeetingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meeting", abstract: "Schedule and manage meetings (through the API).",
        subcommands: [Create.self, List.self, Show.self, Cancel.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Schedule a meeting and print its meeting ID.")
        @OptionGroup var client: ClientOptions
        @Option(name: .long, help: "Title.") var title: String?
        @Option(name: .long, help: "Start: RFC 3339 (2026-11-21T09:30:00Z), 'now', or +30m/+2h/+1d.") var start: String?
        @Option(name: .long, help: "End: as --start.") var end: String?
        @Option(name: .long, help: "Length in minutes (2-1440) instead of --end.") var duration: Int?
        @Flag(name: .long, help: "Reservationless: always available under the host's profile number.") var reservationless = false
        @Option(name: .long, help: "Vanity meeting ID (4-10 digits).") var meetingId: String?
        @Option(name: .long, help: "Host login (admins only; default: you).") var host: String?
        @Option(name: .long, help: "Attendee password (4-12 digits).") var password: String?
        @Option(name: .long, help: "Host PIN (4-12 digits).") var hostPin: String?
        @Option(name: .long, help: "Expected participants.") var expected: Int?
        @Option(name: .long, help: "Preferred site.") var site: String?

        func run() async throws {
            try await reporting {
                var body: [String: Any] = [:]
                if let title { body["title"] = title }
                for (key, value) in [("start", start), ("end", end)] {
                    guard let value else { continue }
                    guard let parsed = CLISupport.parseTime(value) else {
                        throw ValidationError("--\(key) '\(value)' is not a time: use RFC 3339 (2026-11-21T09:30:00Z), 'now' or +30m/+2h/+1d.")
                    }
                    body[key] = parsed
                }
                if let duration { body["durationMinutes"] = duration }
                if reservationless { body["reservationless"] = true }
                if let meetingId { body["meetingID"] = meetingId }
                if let host { body["host"] = host }
                if let password { body["password"] = password }
                if let hostPin { body["hostPIN"] = hostPin }
                if let expected { body["expectedParticipants"] = expected }
                if let site { body["preferredSite"] = site }
                let m = try await client.client.call(.POST, "/api/v1/meetings", body: body, as: MeetingDTO.self)
                if client.json { return try CLISupport.printJSON(m) }
                print(CLISupport.meetingDetail(m))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List meetings (hosts see their own).")
        @OptionGroup var client: ClientOptions
        @Option(name: .long, help: "Comma-separated states: scheduled,in_progress,ended,cancelled.") var state: String?
        @Option(name: .long, help: "Host login (admins).") var host: String?
        @Option(name: .long, help: "Page size (1-500).") var limit = 50
        @Option(name: .long, help: "Rows to skip.") var offset = 0

        func run() async throws {
            try await reporting {
                var query = "?limit=\(limit)&offset=\(offset)"
                if let state { query += "&state=\(state)" }
                if let host { query += "&host=\(host.addingPercentEncodingForQuery)" }
                let page = try await client.client.call(.GET, "/api/v1/meetings" + query, as: Page<MeetingDTO>.self)
                if client.json { return try CLISupport.printJSON(page) }
                print(CLISupport.meetingTable(page.items))
                print("\(page.items.count) of \(page.total) meetings")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one meeting by meeting ID or record ID.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "Meeting ID (digits) or record ID (mtg_…).") var meeting: String

        func run() async throws {
            try await reporting {
                let m = try await client.client.call(.GET, "/api/v1/meetings/\(meeting.addingPercentEncodingForQuery)", as: MeetingDTO.self)
                if client.json { return try CLISupport.printJSON(m) }
                print(CLISupport.meetingDetail(m))
            }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a meeting (kept for the record; its ID is released).")
        @OptionGroup var client: ClientOptions
        @Argument(help: "Meeting ID (digits) or record ID (mtg_…).") var meeting: String

        func run() async throws {
            try await reporting {
                let m = try await client.client.call(.DELETE, "/api/v1/meetings/\(meeting.addingPercentEncodingForQuery)", as: MeetingDTO.self)
                if client.json { return try CLISupport.printJSON(m) }
                print("Cancelled meeting \(m.meetingID) (\(m.title)).")
            }
        }
    }
}

extension String {
    var addingPercentEncodingForQuery: String {
        var out = ""
        for byte in utf8 {
            let c = Character(UnicodeScalar(byte))
            if c.isLetter && byte < 128 || c.isNumber && byte < 128 || "-._~".contains(c) {
                out.append(c)
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded
            }
        }
        return out
    }

    var leftPadded: String { count == 1 ? "0" + self : self }
}
