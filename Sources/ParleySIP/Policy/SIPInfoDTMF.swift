import NIOCore

/// A keypad event, numbered as RFC 4733 §3.2 numbers them (0-9, * = 10, # = 11, A-D = 12-15).
public enum DTMFDigit: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case zero = 0, one, two, three, four, five, six, seven, eight, nine
    case star = 10, pound = 11, a = 12, b = 13, c = 14, d = 15

    /// From the character a keypad shows: `0`-`9`, `*`, `#`, `A`-`D` (either case).
    public init?(character: Character) {
        switch character {
        case "0"..."9":
            guard let value = character.asciiValue else { return nil }
            self.init(rawValue: value - UInt8(ascii: "0"))
        case "*": self = .star
        case "#": self = .pound
        case "A", "a": self = .a
        case "B", "b": self = .b
        case "C", "c": self = .c
        case "D", "d": self = .d
        default: return nil
        }
    }

    /// From a `Signal=` or application/dtmf value: one keypad character, or an event
    /// number 0-15 (some gateways send `10` for `*` and `11` for `#`).
    public init?(signal text: String) {
        if text.count == 1, let character = text.first, let digit = DTMFDigit(character: character) {
            self = digit
        } else if let number = UInt8(text), let digit = DTMFDigit(rawValue: number) {
            self = digit
        } else {
            return nil
        }
    }

    public var character: Character {
        switch self {
        case .star: return "*"
        case .pound: return "#"
        case .a: return "A"
        case .b: return "B"
        case .c: return "C"
        case .d: return "D"
        default: return Character(Unicode.Scalar(UInt8(ascii: "0") + rawValue))
        }
    }

    public var description: String { String(character) }
}

/// A DTMF digit carried in a SIP INFO body.
public struct SIPInfoDTMF: Sendable, Hashable {
    public var digit: DTMFDigit
    /// Duration in milliseconds, when the body gives one.
    public var durationMilliseconds: Int?

    public init(digit: DTMFDigit, durationMilliseconds: Int? = nil) {
        self.digit = digit
        self.durationMilliseconds = durationMilliseconds
    }

    public enum ParseError: Error, Sendable, Hashable {
        /// Neither application/dtmf-relay nor application/dtmf.
        case unsupportedContentType
        /// No recognisable `Signal=` or digit.
        case missingSignal
    }

    /// Reads an INFO body: `application/dtmf-relay` (`Signal=5\r\nDuration=160`, keys in
    /// any case, spaces allowed) or `application/dtmf` (`5`).
    public init(contentType: SIPContentType, body: ByteBuffer) throws(ParseError) {
        let text = String(decoding: body.readableBytesView, as: UTF8.self)
        if contentType.matches(.dtmfRelay) {
            var digit: DTMFDigit?
            var duration: Int?
            for line in text.split(whereSeparator: \.isNewline) {
                let parts = line.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                let key = SIPValueScanner.trim(String(parts[0])).lowercased()
                let value = SIPValueScanner.trim(String(parts[1]))
                if key == "signal" {
                    digit = DTMFDigit(signal: value)
                } else if key == "duration" {
                    duration = Int(value).flatMap { $0 >= 0 ? $0 : nil }
                }
            }
            guard let digit else { throw .missingSignal }
            self.init(digit: digit, durationMilliseconds: duration)
        } else if contentType.matches(.dtmf) {
            guard let digit = DTMFDigit(signal: SIPValueScanner.trim(text)) else { throw .missingSignal }
            self.init(digit: digit)
        } else {
            throw .unsupportedContentType
        }
    }

    /// Reads the DTMF of an INFO request, using its Content-Type.
    public init(info request: SIPMessage) throws(ParseError) {
        guard let contentType = request.contentType else { throw .unsupportedContentType }
        try self.init(contentType: contentType, body: request.body)
    }
}
