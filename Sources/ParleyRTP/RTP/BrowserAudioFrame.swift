import NIOCore

/// The binary audio frame of the browser participant protocol (docs/web-protocol.md): an
/// 8-byte header, then 320 big-endian 16-bit samples at 16 kHz (20 ms of L16), 648 bytes in
/// all. The same frame goes both ways over the WebSocket.
///
/// | bytes | field |
/// |---|---|
/// | 0 | kind: 1 = L16, 16 kHz, 20 ms |
/// | 1 | flags: bit 0 = first frame of a talk spurt |
/// | 2–3 | sequence number (big-endian) |
/// | 4–7 | timestamp, +160 per frame (big-endian) |
public struct BrowserAudioFrameHeader: Sendable, Hashable {
    /// The only kind of version 1: L16 at 16 kHz in 20 ms frames.
    public static let kindL16: UInt8 = 1
    public static let headerBytes = 8
    /// Header and payload of one frame.
    public static let frameBytes = headerBytes + AudioCodec.l16.payloadBytes

    public var kind: UInt8
    public var talkspurtStart: Bool
    public var sequenceNumber: UInt16
    public var timestamp: UInt32

    public init(kind: UInt8 = Self.kindL16, talkspurtStart: Bool = false, sequenceNumber: UInt16, timestamp: UInt32) {
        self.kind = kind
        self.talkspurtStart = talkspurtStart
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
    }

    /// Why a binary frame was refused.
    public enum ParseError: Error, Hashable, Sendable {
        /// Not exactly ``frameBytes`` long.
        case wrongSize(Int)
        /// A kind this version does not know.
        case unknownKind(UInt8)
    }

    /// Reads the header of a whole frame; `buffer` is left at the payload (640 bytes).
    public init(parsing buffer: inout ByteBuffer) throws(ParseError) {
        guard buffer.readableBytes == Self.frameBytes else { throw .wrongSize(buffer.readableBytes) }
        guard let kind = buffer.readInteger(as: UInt8.self), let flags = buffer.readInteger(as: UInt8.self),
            let sequence = buffer.readInteger(as: UInt16.self), let timestamp = buffer.readInteger(as: UInt32.self)
        else { throw .wrongSize(buffer.readableBytes) }
        guard kind == Self.kindL16 else { throw .unknownKind(kind) }
        self.init(kind: kind, talkspurtStart: flags & 1 != 0, sequenceNumber: sequence, timestamp: timestamp)
    }

    /// Appends the 8 header bytes.
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(kind)
        buffer.writeInteger(UInt8(talkspurtStart ? 1 : 0))
        buffer.writeInteger(sequenceNumber)
        buffer.writeInteger(timestamp)
    }
}
