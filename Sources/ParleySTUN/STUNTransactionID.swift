import NIOCore

/// The 96-bit transaction ID of a STUN message (RFC 8489 §5), as three big-endian words.
public struct STUNTransactionID: Hashable, Sendable, CustomStringConvertible {
    public var high: UInt32
    public var middle: UInt32
    public var low: UInt32

    public init(high: UInt32, middle: UInt32, low: UInt32) {
        self.high = high
        self.middle = middle
        self.low = low
    }

    /// Twelve bytes, most significant first; nil for any other count.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 12 else { return nil }
        func word(_ at: Int) -> UInt32 {
            bytes[at..<(at + 4)].reduce(UInt32(0)) { ($0 << 8) | UInt32($1) }
        }
        self.init(high: word(0), middle: word(4), low: word(8))
    }

    /// A new random ID. RFC 8489 asks for a cryptographically random one: the default
    /// generator is the system's.
    public static func random() -> STUNTransactionID {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    /// A new ID from `generator` (tests pass a seeded one).
    public static func random(using generator: inout some RandomNumberGenerator) -> STUNTransactionID {
        STUNTransactionID(
            high: UInt32.random(in: 0...UInt32.max, using: &generator),
            middle: UInt32.random(in: 0...UInt32.max, using: &generator),
            low: UInt32.random(in: 0...UInt32.max, using: &generator)
        )
    }

    public var bytes: [UInt8] {
        [high, middle, low].flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (24 - 8 * $0)) } }
    }

    public var description: String {
        bytes.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    func write(to buffer: inout ByteBuffer) {
        buffer.writeMultipleIntegers(high, middle, low)
    }
}
