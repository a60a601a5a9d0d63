import Foundation
import ParleyModel

/// Times as the portal shows and reads them. Pages show UTC (and `/static/portal.js`, when
/// scripts run, rewrites `<time>` elements in the reader's zone); the scheduling form reads a
/// `datetime-local` value in the zone the form names.
enum PortalTime {
    /// `Sat 21 Nov 2026, 09:30 UTC`.
    static func display(_ time: Timestamp) -> String {
        let parts = components(time, in: utc)
        let weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][(parts.weekday ?? 1) - 1]
        let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][(parts.month ?? 1) - 1]
        return "\(weekday) \(parts.day ?? 0) \(month) \(parts.year ?? 0), \(two(parts.hour ?? 0)):\(two(parts.minute ?? 0)) UTC"
    }

    /// `2026-11-21T09:30` in `zone`, for a `datetime-local` field.
    static func localInput(_ time: Timestamp, in zone: TimeZone) -> String {
        let p = components(time, in: zone)
        return "\(p.year ?? 0)-\(two(p.month ?? 0))-\(two(p.day ?? 0))T\(two(p.hour ?? 0)):\(two(p.minute ?? 0))"
    }

    /// Parses `YYYY-MM-DDTHH:MM` (optionally `:SS`) as a wall-clock time in `zone`. Nil for
    /// anything else, or a time that does not exist there.
    static func parseLocal(_ text: String, in zone: TimeZone) -> Timestamp? {
        let bytes = Array(text.utf8)
        guard bytes.count == 16 || bytes.count == 19 else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? {
            var value = 0
            for index in from..<(from + count) {
                let byte = bytes[index]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let year = number(0, 4), bytes[4] == UInt8(ascii: "-"), let month = number(5, 2), bytes[7] == UInt8(ascii: "-"),
            let day = number(8, 2), bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "), let hour = number(11, 2),
            bytes[13] == UInt8(ascii: ":"), let minute = number(14, 2)
        else { return nil }
        var second = 0
        if bytes.count == 19 {
            guard bytes[16] == UInt8(ascii: ":"), let s = number(17, 2) else { return nil }
            second = s
        }
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let date = calendar.date(from: parts) else { return nil }
        // Reject dates the calendar rolled over (31 April) and times skipped by a DST change.
        let back = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        guard back.year == year, back.month == month, back.day == day, back.hour == hour, back.minute == minute else { return nil }
        return Timestamp(millisecondsSinceEpoch: Int64((date.timeIntervalSince1970 * 1000).rounded()))
    }

    /// The zones the form offers: UTC first, then the system's known identifiers.
    static let zoneIdentifiers: [String] = ["UTC"] + TimeZone.knownTimeZoneIdentifiers.filter { $0 != "UTC" && $0 != "GMT" }.sorted()

    static let utc = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? .current

    private static func components(_ time: Timestamp, in zone: TimeZone) -> DateComponents {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let date = Date(timeIntervalSince1970: Double(time.millisecondsSinceEpoch) / 1000)
        return calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: date)
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
