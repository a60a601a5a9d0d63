import NIOCore

/// The outcome of checking one attribute against the bytes it protects.
public enum STUNCheckResult: Hashable, Sendable {
    /// The message has no such attribute.
    case absent
    case valid
    /// Present but wrong (or the message is malformed).
    case invalid
}

/// MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT checked against the raw bytes
/// of a message: the values cover the bytes before them, with the length field as it was when
/// they were computed, so they are checked on the datagram rather than on a parsed
/// ``STUNMessage``. The message starts at the buffer's reader index; nothing is consumed.
public enum STUNMessageCheck {
    /// FINGERPRINT (RFC 8489 §14.7): a message whose fingerprint is wrong is not STUN.
    public static func fingerprint(of datagram: ByteBuffer) -> STUNCheckResult {
        guard let layout = Layout(datagram) else { return .invalid }
        guard let offset = layout.fingerprint else { return .absent }
        guard let expected = datagram.getInteger(at: datagram.readerIndex + offset + 4, as: UInt32.self),
            let prefix = prefix(of: datagram, upTo: offset, lengthField: offset - STUNMessage.headerLength + 8)
        else { return .invalid }
        let actual = STUNIntegrity.fingerprint(over: prefix, from: prefix.readerIndex, to: prefix.writerIndex)
        return actual == expected ? .valid : .invalid
    }

    /// MESSAGE-INTEGRITY (HMAC-SHA1) with `key`.
    public static func messageIntegrity(of datagram: ByteBuffer, key: STUNKey) -> STUNCheckResult {
        guard let layout = Layout(datagram) else { return .invalid }
        guard let offset = layout.integrity else { return .absent }
        return check(.sha1, datagram: datagram, offset: offset, length: 20, key: key)
    }

    /// MESSAGE-INTEGRITY-SHA256 (HMAC-SHA256, possibly truncated to 16-28 bytes) with `key`.
    public static func messageIntegritySHA256(of datagram: ByteBuffer, key: STUNKey) -> STUNCheckResult {
        guard let layout = Layout(datagram) else { return .invalid }
        guard let (offset, length) = layout.integritySHA256 else { return .absent }
        return check(.sha256, datagram: datagram, offset: offset, length: length, key: key)
    }

    private static func check(
        _ algorithm: STUNIntegrityAlgorithm, datagram: ByteBuffer, offset: Int, length: Int, key: STUNKey
    ) -> STUNCheckResult {
        guard let received = datagram.getBytes(at: datagram.readerIndex + offset + 4, length: length),
            let prefix = prefix(of: datagram, upTo: offset, lengthField: offset - STUNMessage.headerLength + 4 + length)
        else { return .invalid }
        let mac = STUNIntegrity.mac(algorithm, key: key, over: prefix, from: prefix.readerIndex, to: prefix.writerIndex)
        return STUNIntegrity.constantTimeEqual(mac.prefix(length), received) ? .valid : .invalid
    }

    /// The message's first `count` bytes with the length field replaced.
    private static func prefix(of datagram: ByteBuffer, upTo count: Int, lengthField: Int) -> ByteBuffer? {
        guard var copy = datagram.getSlice(at: datagram.readerIndex, length: count) else { return nil }
        // A slice shares storage; setting the length copies it on write.
        copy.setInteger(UInt16(truncatingIfNeeded: lengthField), at: copy.readerIndex + 2)
        return copy
    }

    /// Where the protecting attributes are, by the same rules as the parser (attributes
    /// after MESSAGE-INTEGRITY other than the SHA-256 one and FINGERPRINT are ignored).
    private struct Layout {
        var integrity: Int?
        var integritySHA256: (offset: Int, length: Int)?
        var fingerprint: Int?

        init?(_ buffer: ByteBuffer) {
            guard let header = STUNMessage.Header(peeking: buffer), header.length % 4 == 0 else { return nil }
            let start = buffer.readerIndex
            let end = STUNMessage.headerLength + header.length
            guard buffer.readableBytes >= end else { return nil }
            var offset = STUNMessage.headerLength
            while offset < end {
                guard end - offset >= 4, let (type, length) = buffer.getMultipleIntegers(at: start + offset, as: (UInt16, UInt16).self)
                else { return nil }
                let padded = (Int(length) + 3) & ~3
                guard end - offset - 4 >= padded else { return nil }
                if fingerprint != nil { break }
                switch type {
                case STUNAttributeType.messageIntegrity where integrity == nil && integritySHA256 == nil:
                    guard length == 20 else { return nil }
                    integrity = offset
                case STUNAttributeType.messageIntegritySHA256 where integritySHA256 == nil:
                    guard (16...32).contains(length), length % 4 == 0 else { return nil }
                    integritySHA256 = (offset, Int(length))
                case STUNAttributeType.fingerprint:
                    guard length == 4 else { return nil }
                    fingerprint = offset
                default:
                    break
                }
                offset += 4 + padded
            }
        }
    }
}
