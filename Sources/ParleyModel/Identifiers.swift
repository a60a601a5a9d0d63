/// The number callers key in to reach a meeting: 4 to 10 decimal digits.
///
/// Assigned by the director or chosen by the host as a vanity ID. A meeting ID identifies at
/// most one meeting at any moment; the same number may be reused for a later meeting that does
/// not overlap an earlier one (see ``MeetingRules``).
public struct MeetingID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public static let minimumDigits = 4
    public static let maximumDigits = 10

    public let digits: String

    /// Nil unless `text` is 4-10 ASCII digits.
    public init?(_ text: String) {
        let utf8 = text.utf8
        guard (Self.minimumDigits...Self.maximumDigits).contains(utf8.count),
            utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        self.digits = text
    }

    public var description: String { digits }

    public static func < (lhs: MeetingID, rhs: MeetingID) -> Bool {
        (lhs.digits.utf8.count, lhs.digits) < (rhs.digits.utf8.count, rhs.digits)
    }
}

/// An opaque, random identifier for a stored record (`usr_…`, `mtg_…`, `grp_…`).
public struct RecordID: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    /// A new random identifier with the given prefix: `prefix_` and 20 lower-case hex digits.
    public static func random<G: RandomNumberGenerator>(prefix: String, using generator: inout G) -> RecordID {
        var text = prefix + "_"
        for _ in 0..<10 {
            let byte = UInt8.random(in: 0...255, using: &generator)
            text += hexDigits[Int(byte >> 4)]
            text += hexDigits[Int(byte & 0x0F)]
        }
        return RecordID(rawValue: text)
    }

    public static func random(prefix: String) -> RecordID {
        var g = SystemRandomNumberGenerator()
        return random(prefix: prefix, using: &g)
    }

    public var description: String { rawValue }
}

private let hexDigits = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"]
