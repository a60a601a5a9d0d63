import NIOCore

extension STUNMessage {
    /// The fixed header of a message, readable before (and without) its attributes.
    public struct Header: Hashable, Sendable {
        public var type: STUNMessageType
        /// The message length field: attribute bytes after the header.
        public var length: Int
        public var magicCookie: UInt32
        public var transactionID: STUNTransactionID

        /// Reads the header at the reader index without consuming it: nil when there are
        /// fewer than 20 bytes or the top two bits are set.
        public init?(peeking buffer: ByteBuffer) {
            let start = buffer.readerIndex
            guard buffer.readableBytes >= STUNMessage.headerLength,
                let (rawType, length, cookie, high, middle, low) = buffer.getMultipleIntegers(
                    at: start, as: (UInt16, UInt16, UInt32, UInt32, UInt32, UInt32).self),
                let type = STUNMessageType(rawValue: rawType)
            else { return nil }
            self.type = type
            self.length = Int(length)
            self.magicCookie = cookie
            self.transactionID = STUNTransactionID(high: high, middle: middle, low: low)
        }
    }

    /// Parses one message at the reader index and consumes exactly its header and
    /// attributes; on failure the reader index is unchanged. Bytes after the message (a
    /// datagram longer than its length field says) are left in the buffer.
    ///
    /// Checks the structure only: MESSAGE-INTEGRITY and FINGERPRINT values are checked
    /// against the raw bytes with ``STUNMessageCheck``.
    public init(parsing buffer: inout ByteBuffer) throws(STUNParseError) {
        let start = buffer.readerIndex
        guard buffer.readableBytes >= Self.headerLength else { throw STUNParseError(.truncated, offset: buffer.readableBytes) }
        guard let header = Header(peeking: buffer) else { throw STUNParseError(.notSTUN, offset: 0) }
        guard header.length % 4 == 0 else { throw STUNParseError(.badLength, offset: 2) }
        let end = Self.headerLength + header.length
        guard buffer.readableBytes >= end else { throw STUNParseError(.truncated, offset: buffer.readableBytes) }

        var attributes: [STUNAttribute] = []
        var sawIntegrity = false
        var sawIntegritySHA256 = false
        var sawFingerprint = false
        var offset = Self.headerLength
        while offset < end {
            guard end - offset >= 4,
                let (type, length) = buffer.getMultipleIntegers(at: start + offset, as: (UInt16, UInt16).self)
            else { throw STUNParseError(.truncated, offset: offset) }
            let valueLength = Int(length)
            let padded = (valueLength + 3) & ~3
            guard end - offset - 4 >= padded, let value = buffer.getSlice(at: start + offset + 4, length: valueLength) else {
                throw STUNParseError(.truncated, offset: offset)
            }
            // RFC 8489 §14: after MESSAGE-INTEGRITY only MESSAGE-INTEGRITY-SHA256 and
            // FINGERPRINT count; after MESSAGE-INTEGRITY-SHA256 only FINGERPRINT; after
            // FINGERPRINT nothing. The rest is ignored.
            let ignored =
                sawFingerprint
                || (sawIntegritySHA256 && type != STUNAttributeType.fingerprint)
                || (sawIntegrity && type != STUNAttributeType.messageIntegritySHA256 && type != STUNAttributeType.fingerprint)
            if !ignored {
                let attribute = try Self.decodeAttribute(type: type, value: value, header: header, offset: offset)
                switch type {
                case STUNAttributeType.messageIntegrity: sawIntegrity = true
                case STUNAttributeType.messageIntegritySHA256: sawIntegritySHA256 = true
                case STUNAttributeType.fingerprint: sawFingerprint = true
                default: break
                }
                attributes.append(attribute)
            }
            offset += 4 + padded
        }
        self.init(type: header.type, transactionID: header.transactionID, magicCookie: header.magicCookie, attributes: attributes)
        buffer.moveReaderIndex(forwardBy: end)
    }

    private static func decodeAttribute(
        type: UInt16, value: ByteBuffer, header: Header, offset: Int
    ) throws(STUNParseError) -> STUNAttribute {
        let bad = STUNParseError(.badAttribute, offset: offset, attributeType: type)
        switch type {
        case STUNAttributeType.mappedAddress:
            guard let address = decodeAddress(value, xor: nil) else { throw bad }
            return .mappedAddress(address)
        case STUNAttributeType.xorMappedAddress:
            guard let address = decodeAddress(value, xor: header.transactionID) else { throw bad }
            return .xorMappedAddress(address)
        case STUNAttributeType.username:
            guard value.readableBytes <= STUNAttribute.maximumUsernameBytes else { throw bad }
            return .username(value.getString(at: value.readerIndex, length: value.readableBytes) ?? "")
        case STUNAttributeType.software:
            guard value.readableBytes <= STUNAttribute.maximumTextBytes else { throw bad }
            return .software(value.getString(at: value.readerIndex, length: value.readableBytes) ?? "")
        case STUNAttributeType.errorCode:
            guard value.readableBytes >= 4, value.readableBytes <= 4 + STUNAttribute.maximumTextBytes,
                let (classByte, number) = value.getMultipleIntegers(at: value.readerIndex + 2, as: (UInt8, UInt8).self)
            else { throw bad }
            let errorClass = Int(classByte & 0x07)
            guard (3...6).contains(errorClass), number < 100 else { throw bad }
            let reason = value.getString(at: value.readerIndex + 4, length: value.readableBytes - 4) ?? ""
            return .errorCode(STUNErrorCode(errorClass * 100 + Int(number), reason: reason))
        case STUNAttributeType.unknownAttributes:
            guard value.readableBytes % 2 == 0 else { throw bad }
            var types: [UInt16] = []
            var cursor = value
            while let next = cursor.readInteger(as: UInt16.self) { types.append(next) }
            return .unknownAttributes(types)
        case STUNAttributeType.messageIntegrity:
            guard value.readableBytes == 20, let bytes = value.getBytes(at: value.readerIndex, length: 20) else { throw bad }
            return .messageIntegrity(bytes)
        case STUNAttributeType.messageIntegritySHA256:
            let count = value.readableBytes
            guard (16...32).contains(count), count % 4 == 0, let bytes = value.getBytes(at: value.readerIndex, length: count) else {
                throw bad
            }
            return .messageIntegritySHA256(bytes)
        case STUNAttributeType.fingerprint:
            guard value.readableBytes == 4, let crc = value.getInteger(at: value.readerIndex, as: UInt32.self) else { throw bad }
            return .fingerprint(crc)
        default:
            return .other(type: type, value: value)
        }
    }

    /// MAPPED-ADDRESS, or XOR-MAPPED-ADDRESS when `xor` carries the transaction ID.
    private static func decodeAddress(_ value: ByteBuffer, xor transactionID: STUNTransactionID?) -> STUNAddress? {
        let at = value.readerIndex
        guard let (_, family, rawPort) = value.getMultipleIntegers(at: at, as: (UInt8, UInt8, UInt16).self) else { return nil }
        let port = transactionID == nil ? rawPort : rawPort ^ UInt16(truncatingIfNeeded: magicCookie >> 16)
        switch family {
        case 0x01:
            guard value.readableBytes == 8, let raw = value.getInteger(at: at + 4, as: UInt32.self) else { return nil }
            return STUNAddress(host: .ipv4(transactionID == nil ? raw : raw ^ magicCookie), port: port)
        case 0x02:
            guard value.readableBytes == 20, let (high, low) = value.getMultipleIntegers(at: at + 4, as: (UInt64, UInt64).self) else {
                return nil
            }
            guard let id = transactionID else { return STUNAddress(host: .ipv6(high: high, low: low), port: port) }
            let xorHigh = UInt64(magicCookie) << 32 | UInt64(id.high)
            let xorLow = UInt64(id.middle) << 32 | UInt64(id.low)
            return STUNAddress(host: .ipv6(high: high ^ xorHigh, low: low ^ xorLow), port: port)
        default:
            return nil
        }
    }
}
