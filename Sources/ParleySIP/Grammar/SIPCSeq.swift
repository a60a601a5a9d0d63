/// The CSeq header: a 32-bit sequence number and a method (RFC 3261 §20.16).
public struct SIPCSeq: Sendable, Hashable, CustomStringConvertible {
    public var sequenceNumber: UInt32
    public var method: SIPMethod

    public init(_ sequenceNumber: UInt32, _ method: SIPMethod) {
        self.sequenceNumber = sequenceNumber
        self.method = method
    }

    /// Parses `1*DIGIT LWS Method`; the number must fit in 32 bits.
    public init(parsing text: String) throws(SIPParseError) {
        var scanner = SIPValueScanner(text)
        scanner.skipWhitespace()
        guard let number = scanner.readNumber(limit: UInt64(UInt32.max)) else {
            throw SIPParseError(.invalidHeaderValue, header: "CSeq")
        }
        let beforeSpace = scanner.index
        scanner.skipWhitespace()
        guard scanner.index > beforeSpace, let method = scanner.readToken() else {
            throw SIPParseError(.invalidHeaderValue, header: "CSeq")
        }
        scanner.skipWhitespace()
        guard scanner.isAtEnd else { throw SIPParseError(.invalidHeaderValue, header: "CSeq") }
        self.init(UInt32(number), SIPMethod(method))
    }

    public var description: String { "\(sequenceNumber) \(method)" }
}
