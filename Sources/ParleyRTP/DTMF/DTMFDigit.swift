/// A DTMF key: RFC 4733 events 0-15, written "0"-"9", "*", "#", "A"-"D".
public struct DTMFDigit: Hashable, Sendable, CustomStringConvertible {
    /// The RFC 4733 event code, 0-15.
    public let event: UInt8

    private static let characters: [Character] = Array("0123456789*#ABCD")

    /// Nil for event codes that are not DTMF keys (16 and up: flash, tones…).
    public init?(event: UInt8) {
        guard event < 16 else { return nil }
        self.event = event
    }

    /// Nil for characters that are not keys. Lowercase "a"-"d" are accepted.
    public init?(_ character: Character) {
        guard let ascii = character.asciiValue else { return nil }
        switch ascii {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): self.event = ascii - UInt8(ascii: "0")
        case UInt8(ascii: "*"): self.event = 10
        case UInt8(ascii: "#"): self.event = 11
        case UInt8(ascii: "A")...UInt8(ascii: "D"): self.event = 12 + ascii - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "d"): self.event = 12 + ascii - UInt8(ascii: "a")
        default: return nil
        }
    }

    public var character: Character { Self.characters[Int(event)] }

    public var description: String { String(character) }
}
