import NIOCore

extension STUNMessage {
    /// Writes the message: header, ``attributes`` in order (zero-padded to 4 bytes), then, when
    /// asked, MESSAGE-INTEGRITY and/or MESSAGE-INTEGRITY-SHA256 computed with `signing`'s key
    /// and FINGERPRINT, each over everything before it with the length field set as RFC 8489
    /// §14.5, §14.6 and §14.7 describe.
    ///
    /// Values longer than the protocol allows (USERNAME, SOFTWARE, reason phrases) are cut to
    /// the limit rather than refused: the writer never fails.
    public func write(to buffer: inout ByteBuffer, signing: STUNSigning? = nil, fingerprint: Bool = false) {
        let start = buffer.writerIndex
        buffer.writeInteger(type.rawValue)
        buffer.writeInteger(UInt16(0))
        buffer.writeInteger(magicCookie)
        transactionID.write(to: &buffer)
        for attribute in attributes {
            writeAttribute(attribute, to: &buffer)
        }
        if let signing {
            for algorithm in signing.algorithms {
                let valueLength = algorithm.length
                Self.setLength(in: &buffer, start: start, to: buffer.writerIndex - start - Self.headerLength + 4 + valueLength)
                let mac = STUNIntegrity.mac(algorithm, key: signing.key, over: buffer, from: start, to: buffer.writerIndex)
                buffer.writeMultipleIntegers(algorithm.attributeType, UInt16(valueLength))
                buffer.writeBytes(mac)
            }
        }
        if fingerprint {
            Self.setLength(in: &buffer, start: start, to: buffer.writerIndex - start - Self.headerLength + 8)
            let crc = STUNIntegrity.fingerprint(over: buffer, from: start, to: buffer.writerIndex)
            buffer.writeMultipleIntegers(STUNAttributeType.fingerprint, UInt16(4), crc)
        }
        Self.setLength(in: &buffer, start: start, to: buffer.writerIndex - start - Self.headerLength)
    }

    /// The message as bytes (tests, the client).
    public func bytes(signing: STUNSigning? = nil, fingerprint: Bool = false) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: 128)
        write(to: &buffer, signing: signing, fingerprint: fingerprint)
        return buffer
    }

    private static func setLength(in buffer: inout ByteBuffer, start: Int, to length: Int) {
        buffer.setInteger(UInt16(truncatingIfNeeded: length), at: start + 2)
    }

    private func writeAttribute(_ attribute: STUNAttribute, to buffer: inout ByteBuffer) {
        let typeIndex = buffer.writerIndex
        buffer.writeMultipleIntegers(attribute.type, UInt16(0))
        let valueStart = buffer.writerIndex
        switch attribute {
        case .mappedAddress(let address):
            Self.writeAddress(address, xor: nil, to: &buffer)
        case .xorMappedAddress(let address):
            Self.writeAddress(address, xor: transactionID, to: &buffer)
        case .username(let name):
            buffer.writeBytes(name.utf8.prefix(STUNAttribute.maximumUsernameBytes))
        case .software(let name):
            buffer.writeBytes(name.utf8.prefix(STUNAttribute.maximumTextBytes))
        case .errorCode(let error):
            let code = min(max(error.code, 300), 699)
            buffer.writeMultipleIntegers(UInt16(0), UInt8(code / 100), UInt8(code % 100))
            buffer.writeBytes(error.reason.utf8.prefix(STUNAttribute.maximumTextBytes))
        case .unknownAttributes(let types):
            for type in types.prefix(0x7FFF) { buffer.writeInteger(type) }
        case .messageIntegrity(let bytes), .messageIntegritySHA256(let bytes):
            buffer.writeBytes(bytes.prefix(0xFFFF))
        case .fingerprint(let crc):
            buffer.writeInteger(crc)
        case .other(_, let value):
            buffer.writeImmutableBuffer(value.getSlice(at: value.readerIndex, length: min(value.readableBytes, 0xFFFF)) ?? ByteBuffer())
        }
        let valueLength = buffer.writerIndex - valueStart
        buffer.setInteger(UInt16(valueLength), at: typeIndex + 2)
        let padding = (4 - valueLength % 4) % 4
        buffer.writeRepeatingByte(0, count: padding)
    }

    private static func writeAddress(_ address: STUNAddress, xor transactionID: STUNTransactionID?, to buffer: inout ByteBuffer) {
        let xorPort = transactionID == nil ? 0 : UInt16(truncatingIfNeeded: magicCookie >> 16)
        buffer.writeMultipleIntegers(UInt8(0), address.family, address.port ^ xorPort)
        switch address.host {
        case .ipv4(let value):
            buffer.writeInteger(transactionID == nil ? value : value ^ magicCookie)
        case .ipv6(let high, let low):
            if let id = transactionID {
                buffer.writeMultipleIntegers(high ^ (UInt64(magicCookie) << 32 | UInt64(id.high)), low ^ (UInt64(id.middle) << 32 | UInt64(id.low)))
            } else {
                buffer.writeMultipleIntegers(high, low)
            }
        }
    }
}
