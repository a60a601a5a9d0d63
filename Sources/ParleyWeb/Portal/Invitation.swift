import ParleyModel

/// An RFC 5545 calendar invitation for one meeting: a VCALENDAR with one VEVENT, times in
/// UTC, TEXT values escaped, lines folded at 75 octets and ended with CRLF.
struct Invitation: Sendable, Hashable {
    /// Globally unique and stable for the meeting (`mtg_…@host`), so a second download
    /// updates the calendar entry instead of adding one.
    var uid: String
    var stamp: Timestamp
    var start: Timestamp
    var end: Timestamp
    var summary: String
    var description: String
    /// The web link, as LOCATION and URL.
    var url: String
    var cancelled: Bool

    /// The `.ics` text.
    var text: String {
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Parley//Portal//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
            "BEGIN:VEVENT",
            "UID:" + Self.escape(uid),
            "DTSTAMP:" + Self.utc(stamp),
            "DTSTART:" + Self.utc(start),
            "DTEND:" + Self.utc(end),
            "SUMMARY:" + Self.escape(summary),
            "DESCRIPTION:" + Self.escape(description),
            "LOCATION:" + Self.escape(url),
            "URL:" + url,
            "STATUS:" + (cancelled ? "CANCELLED" : "CONFIRMED"),
            "END:VEVENT", "END:VCALENDAR",
        ]
        lines = lines.map(Self.fold)
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// `20261121T093000Z` (RFC 5545 DATE-TIME, form 2: UTC).
    static func utc(_ time: Timestamp) -> String {
        // rfc3339 is `2026-11-21T09:30:00Z` (or with `.mmm`): keep the digits up to the seconds.
        let digits = time.rfc3339.prefix(19).filter { $0 != "-" && $0 != ":" }
        return digits + "Z"
    }

    /// TEXT escaping (RFC 5545 3.3.11): backslash, semicolon, comma, and newlines as `\n`.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n": out += "\\n"
            case "\r": continue
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Folds one content line (RFC 5545 3.1): no line longer than 75 octets; continuation
    /// lines start with a space, and a UTF-8 sequence is never split.
    static func fold(_ line: String) -> String {
        guard line.utf8.count > 75 else { return line }
        var out = ""
        var current = 0
        var limit = 75
        for scalar in line.unicodeScalars {
            let size = String(scalar).utf8.count
            if current + size > limit {
                out += "\r\n "
                current = 1
                limit = 75
            }
            out.unicodeScalars.append(scalar)
            current += size
        }
        return out
    }
}
