import NIOCore

/// The receiving half of a client WebSocket: bytes as they arrive from TCP in, whole messages
/// out. Frames that arrive whole are read in place from the received buffer (the common case:
/// one 652-byte audio frame per read); only a partial frame is copied, into a buffer this reader
/// owns and reuses, so the channel's receive buffer is never held. Fragmented messages are
/// reassembled; control frames may come between fragments. Pure: no channel, no clock.
package struct WebSocketMessageReader {
    package enum Message {
        /// Payloads are slices of the input: use them before the next call.
        case text(ByteBuffer)
        case binary(ByteBuffer)
        case ping(ByteBuffer)
        case pong(ByteBuffer)
        /// Status code and reason, when the close frame carried them.
        case close(code: UInt16?, reason: String)
    }

    package enum Failure: Error, Hashable, Sendable, CustomStringConvertible {
        case framing(WebSocketClientFraming.ParseError)
        /// A server must not mask its frames (RFC 6455 §5.1).
        case maskedFrame
        /// A continuation without a message to continue, or a new message inside a fragmented one.
        case badFragment
        case messageTooLarge(Int)

        package var description: String {
            switch self {
            case .framing(let error): error.description
            case .maskedFrame: "the server masked a frame"
            case .badFragment: "a WebSocket fragment out of order"
            case .messageTooLarge(let bytes): "a WebSocket message of \(bytes) bytes, over the limit"
            }
        }
    }

    let maxMessageBytes: Int
    /// The start of a frame that has not arrived whole yet.
    private var pending: ByteBuffer
    /// A fragmented message being reassembled.
    private var fragments: (opcode: WebSocketClientFraming.Opcode, payload: ByteBuffer)?

    package init(maxMessageBytes: Int = 1 << 16) {
        self.maxMessageBytes = maxMessageBytes
        pending = ByteBufferAllocator().buffer(capacity: 1_024)
    }

    /// The next whole message from what has arrived so far, `input` included (consumed by the
    /// reader); nil when more bytes are needed. Call until nil after every read.
    package mutating func next(_ input: inout ByteBuffer) throws(Failure) -> Message? {
        while true {
            let frame: WebSocketClientFraming.Frame?
            do {
                if pending.readableBytes == 0 {
                    frame = try WebSocketClientFraming.readFrame(from: &input, maxPayload: maxMessageBytes)
                    if frame == nil, input.readableBytes > 0 {
                        // Keep the partial frame; the caller's buffer goes back to the channel.
                        pending.clear()
                        pending.writeBuffer(&input)
                    }
                } else {
                    // Compact only here, when the caller has let go of the last message's slice.
                    if input.readableBytes > 0 {
                        pending.discardReadBytes()
                        pending.writeBuffer(&input)
                    }
                    frame = try WebSocketClientFraming.readFrame(from: &pending, maxPayload: maxMessageBytes)
                }
            } catch {
                throw .framing(error)
            }
            guard let frame else { return nil }
            if let message = try assemble(frame) { return message }
        }
    }

    /// A frame to a message, or nil when it is a fragment of one still incomplete.
    private mutating func assemble(_ frame: WebSocketClientFraming.Frame) throws(Failure) -> Message? {
        guard frame.maskKey == nil else { throw .maskedFrame }
        switch frame.opcode {
        case .ping:
            return .ping(frame.payload)
        case .pong:
            return .pong(frame.payload)
        case .close:
            var payload = frame.payload
            let code = payload.readInteger(as: UInt16.self)
            return .close(code: code, reason: payload.readString(length: payload.readableBytes) ?? "")
        case .text, .binary:
            guard fragments == nil else { throw .badFragment }
            if frame.fin { return frame.opcode == .text ? .text(frame.payload) : .binary(frame.payload) }
            // A copy: the input's storage goes back to the channel.
            var copy = ByteBufferAllocator().buffer(capacity: frame.payload.readableBytes * 2)
            copy.writeImmutableBuffer(frame.payload)
            fragments = (frame.opcode, copy)
            return nil
        case .continuation:
            guard let (opcode, first) = fragments else { throw .badFragment }
            var payload = first
            fragments = nil
            var more = frame.payload
            guard payload.readableBytes + more.readableBytes <= maxMessageBytes else {
                throw .messageTooLarge(payload.readableBytes + more.readableBytes)
            }
            payload.writeBuffer(&more)
            guard frame.fin else {
                fragments = (opcode, payload)
                return nil
            }
            return opcode == .text ? .text(payload) : .binary(payload)
        }
    }
}
