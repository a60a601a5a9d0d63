import NIOCore

/// RFC 6455 framing for the load tool's client sockets, without NIO's `WebSocketFrame` (which
/// boxes every frame's payload in a class): frames are read in place from the received bytes
/// and written straight into a `ByteBuffer`. Pure: no channel, no clock.
///
/// ```text
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-------+-+-------------+-------------------------------+
/// |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
/// |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
/// +-+-+-+-+-------+-+-------------+-------------------------------+
/// |     masking key (4, when M)   |          payload …            |
/// ```
package enum WebSocketClientFraming {
    package enum Opcode: UInt8, Sendable {
        case continuation = 0x0
        case text = 0x1
        case binary = 0x2
        case close = 0x8
        case ping = 0x9
        case pong = 0xA

        var isControl: Bool { rawValue & 0x8 != 0 }
    }

    /// One frame as read: its payload is a slice of the input, still masked when `maskKey` is set.
    package struct Frame {
        package var fin: Bool
        package var opcode: Opcode
        package var maskKey: UInt32?
        package var payload: ByteBuffer
    }

    /// Why bytes are not a frame this client accepts; `offset` is where the frame started in the
    /// input (its reader index).
    package struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        package enum Code: Hashable, Sendable {
            /// RSV1-3 set: no extension was negotiated.
            case reservedBits
            case unknownOpcode(UInt8)
            /// Longer than the limit (the server's own limit is 64 KiB, docs/web-protocol.md).
            case tooLarge(UInt64)
            /// A control frame longer than 125 bytes or fragmented (RFC 6455 §5.5).
            case badControlFrame
        }

        package var code: Code
        package var offset: Int

        package init(code: Code, offset: Int) {
            self.code = code
            self.offset = offset
        }

        package var description: String {
            switch code {
            case .reservedBits: "WebSocket frame at \(offset) sets reserved bits"
            case .unknownOpcode(let opcode): "WebSocket frame at \(offset) has unknown opcode \(opcode)"
            case .tooLarge(let length): "WebSocket frame at \(offset) is \(length) bytes, over the limit"
            case .badControlFrame: "WebSocket control frame at \(offset) is fragmented or over 125 bytes"
            }
        }
    }

    /// Reads one whole frame; nil (and the reader index unchanged) while it is incomplete.
    package static func readFrame(from buffer: inout ByteBuffer, maxPayload: Int) throws(ParseError) -> Frame? {
        let start = buffer.readerIndex
        guard let first = buffer.getInteger(at: start, as: UInt8.self), let second = buffer.getInteger(at: start + 1, as: UInt8.self) else {
            return nil
        }
        guard first & 0x70 == 0 else { throw ParseError(code: .reservedBits, offset: start) }
        guard let opcode = Opcode(rawValue: first & 0x0F) else { throw ParseError(code: .unknownOpcode(first & 0x0F), offset: start) }
        let fin = first & 0x80 != 0
        var headerLength = 2
        var length = UInt64(second & 0x7F)
        if length == 126 {
            guard let extended = buffer.getInteger(at: start + 2, as: UInt16.self) else { return nil }
            length = UInt64(extended)
            headerLength += 2
        } else if length == 127 {
            guard let extended = buffer.getInteger(at: start + 2, as: UInt64.self) else { return nil }
            length = extended
            headerLength += 8
        }
        if opcode.isControl, length > 125 || !fin { throw ParseError(code: .badControlFrame, offset: start) }
        guard length <= UInt64(maxPayload) else { throw ParseError(code: .tooLarge(length), offset: start) }
        var maskKey: UInt32?
        if second & 0x80 != 0 {
            guard let key = buffer.getInteger(at: start + headerLength, as: UInt32.self) else { return nil }
            maskKey = key
            headerLength += 4
        }
        guard buffer.readableBytes >= headerLength + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: headerLength)
        // Cannot fail: the bytes are there.
        let payload = buffer.readSlice(length: Int(length)) ?? ByteBuffer()
        return Frame(fin: fin, opcode: opcode, maskKey: maskKey, payload: payload)
    }

    /// Bytes of the frame header for a payload of `length` (2, 4 or 10, plus 4 with a mask).
    package static func headerLength(payload length: Int, masked: Bool) -> Int {
        (length < 126 ? 2 : length <= 0xFFFF ? 4 : 10) + (masked ? 4 : 0)
    }

    /// Appends one unfragmented frame; the payload is masked with `maskKey` when given (a client
    /// must mask every frame it sends, RFC 6455 §5.3).
    package static func writeFrame(_ opcode: Opcode, payload: ByteBuffer, maskKey: UInt32?, into buffer: inout ByteBuffer) {
        let length = payload.readableBytes
        let maskBit: UInt8 = maskKey == nil ? 0 : 0x80
        buffer.writeInteger(0x80 | opcode.rawValue)
        if length < 126 {
            buffer.writeInteger(maskBit | UInt8(length))
        } else if length <= 0xFFFF {
            buffer.writeInteger(maskBit | 126)
            buffer.writeInteger(UInt16(length))
        } else {
            buffer.writeInteger(maskBit | 127)
            buffer.writeInteger(UInt64(length))
        }
        if let maskKey { buffer.writeInteger(maskKey) }
        let payloadStart = buffer.writerIndex
        var payload = payload
        buffer.writeBuffer(&payload)
        if let maskKey { mask(&buffer, at: payloadStart, length: length, key: maskKey) }
    }

    /// XORs `length` bytes at `index` with the key (byte 0 of the key on the first byte); masking
    /// twice unmasks.
    package static func mask(_ buffer: inout ByteBuffer, at index: Int, length: Int, key: UInt32) {
        let keyBytes = (UInt8(key >> 24), UInt8((key >> 16) & 0xFF), UInt8((key >> 8) & 0xFF), UInt8(key & 0xFF))
        let base = index - buffer.readerIndex
        buffer.withUnsafeMutableReadableBytes { bytes in
            for offset in 0..<length {
                let key: UInt8
                switch offset & 3 {
                case 0: key = keyBytes.0
                case 1: key = keyBytes.1
                case 2: key = keyBytes.2
                default: key = keyBytes.3
                }
                bytes[base + offset] ^= key
            }
        }
    }

    /// A close frame's payload: the status code and the UTF-8 reason (RFC 6455 §5.5.1).
    package static func closePayload(code: UInt16, reason: String) -> ByteBuffer {
        var payload = ByteBuffer()
        payload.writeInteger(code)
        payload.writeString(String(reason.utf8.prefix(123)) ?? "")
        return payload
    }
}
