import NIOCore

/// One network-test probe: the datagram (or TCP frame) `parley nettest` and the node's
/// responder exchange.
///
/// ## Wire format (version 1, big-endian, 44-byte header then padding)
/// ```
///  0  u8   0xD0          marker: RFC 7983 leaves first bytes 192-255 unassigned, so a
///                        probe never looks like STUN (0-3), ZRTP, DTLS, TURN or RTP/RTCP
///  1  u8×2 "NT"          magic
///  3  u8   version       1
///  4  u8   kind          ``Kind``
///  5  u8   reason        why a request was refused (``RefusalReason``), else 0
///  6  u16  length        whole probe in bytes, header and padding (44…1472)
///  8  u32  session       the client's random test identifier
/// 12  u32  sequence      per session, from 0
/// 16  u64  clientTime    the client's send time (ns, its own clock); echoed unchanged
/// 24  u64  responderTime the responder's clock (ns) when it answered; 0 in requests
/// 32  u8   sentTOS       the IP TOS byte the sender marked this packet with
/// 33  u8   receivedTOS   in replies: the TOS byte the responder read on the request,
///                        0xFF when its socket cannot read it
/// 34  u16  reserved      0
/// 36  u32  count         replies: requests of this session the responder received so far;
///                        stream requests: packets wanted; TCP: bytes to download or upload
/// 40  u32  cookie        replies carry the responder's cookie for the source; a stream
///                        request must present it (return routability: no stream to a
///                        spoofed address)
/// 44  …    padding       zeros when written, ignored when read
/// ```
/// A reply has the same ``length`` as its request, so an echo never amplifies.
public struct NetTestProbe: Hashable, Sendable {
    /// What a probe asks for or answers.
    public enum Kind: UInt8, Hashable, Sendable, CaseIterable {
        /// UDP or TCP: answer with an ``echoReply`` of the same length.
        case echoRequest = 1
        case echoReply = 2
        /// UDP: send ``count`` ``streamPacket``s of this probe's length every 20 ms.
        case streamRequest = 3
        case streamPacket = 4
        /// TCP: send ``count`` bytes after a ``transferStart`` header.
        case downloadRequest = 5
        /// TCP: ``count`` bytes follow this header; answer with ``transferResult``.
        case uploadRequest = 6
        /// TCP: the bytes granted (``count``) before a download's data.
        case transferStart = 7
        /// TCP: bytes received (``count``) and ns between first and last (``responderTime``).
        case transferResult = 8
        /// TCP (and UDP stream requests without a valid cookie): not served, see ``reason``.
        case refused = 9

        /// Whether a client sends this kind (a responder answers only these).
        public var isRequest: Bool {
            switch self {
            case .echoRequest, .streamRequest, .downloadRequest, .uploadRequest: true
            default: false
            }
        }
    }

    /// Why a responder refused a request.
    public enum RefusalReason: UInt8, Hashable, Sendable {
        case none = 0
        case rateLimited = 1
        case tooLarge = 2
        case badCookie = 3
        case busy = 4
    }

    public static let marker: UInt8 = 0xD0
    public static let magic: (UInt8, UInt8) = (0x4E, 0x54)  // "NT"
    public static let version: UInt8 = 1
    public static let headerLength = 44
    /// The largest probe: a 1500-byte MTU minus IPv4 and UDP headers.
    public static let maximumLength = 1472
    /// The TOS value meaning "could not be read".
    public static let unknownTOS: UInt8 = 0xFF

    public var kind: Kind
    public var reason: RefusalReason
    /// Whole probe in bytes (``headerLength``…``maximumLength``).
    public var length: Int
    public var session: UInt32
    public var sequence: UInt32
    public var clientTime: UInt64
    public var responderTime: UInt64
    public var sentTOS: UInt8
    public var receivedTOS: UInt8
    public var count: UInt32
    public var cookie: UInt32

    public init(
        kind: Kind, length: Int = NetTestProbe.headerLength, session: UInt32, sequence: UInt32 = 0, clientTime: UInt64 = 0,
        responderTime: UInt64 = 0, sentTOS: UInt8 = 0, receivedTOS: UInt8 = NetTestProbe.unknownTOS, count: UInt32 = 0,
        cookie: UInt32 = 0, reason: RefusalReason = .none
    ) {
        self.kind = kind
        self.reason = reason
        self.length = min(max(length, Self.headerLength), Self.maximumLength)
        self.session = session
        self.sequence = sequence
        self.clientTime = clientTime
        self.responderTime = responderTime
        self.sentTOS = sentTOS
        self.receivedTOS = receivedTOS
        self.count = count
        self.cookie = cookie
    }

    /// Whether the first byte of a datagram on the media port is a probe's marker (the media
    /// path's cheap test before it parses).
    @inlinable
    public static func mayBeProbe(_ buffer: ByteBuffer) -> Bool {
        buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) == marker
    }

    /// Parses one probe; consumes exactly ``length`` bytes, or nothing when it throws.
    /// A datagram must be exactly one probe; a stream parser calls it with what it has and
    /// waits for more on ``NetTestProbeError/Code/truncated``.
    public init(parsing buffer: inout ByteBuffer) throws(NetTestProbeError) {
        let start = buffer.readerIndex
        guard buffer.readableBytes >= Self.headerLength else {
            throw NetTestProbeError(.truncated, at: 0)
        }
        func byte(_ offset: Int) -> UInt8 { buffer.getInteger(at: start + offset, as: UInt8.self) ?? 0 }
        for (offset, expected) in [(0, Self.marker), (1, Self.magic.0), (2, Self.magic.1)] where byte(offset) != expected {
            throw NetTestProbeError(.badMagic, at: offset)
        }
        guard byte(3) == Self.version else { throw NetTestProbeError(.unsupportedVersion, at: 3) }
        guard let kind = Kind(rawValue: byte(4)) else { throw NetTestProbeError(.unknownKind, at: 4) }
        guard let reason = RefusalReason(rawValue: byte(5)) else { throw NetTestProbeError(.unknownReason, at: 5) }
        let length = Int(buffer.getInteger(at: start + 6, as: UInt16.self) ?? 0)
        guard (Self.headerLength...Self.maximumLength).contains(length) else {
            throw NetTestProbeError(.badLength, at: 6)
        }
        guard buffer.readableBytes >= length else { throw NetTestProbeError(.truncated, at: buffer.readableBytes) }
        self.kind = kind
        self.reason = reason
        self.length = length
        self.session = buffer.getInteger(at: start + 8, as: UInt32.self) ?? 0
        self.sequence = buffer.getInteger(at: start + 12, as: UInt32.self) ?? 0
        self.clientTime = buffer.getInteger(at: start + 16, as: UInt64.self) ?? 0
        self.responderTime = buffer.getInteger(at: start + 24, as: UInt64.self) ?? 0
        self.sentTOS = byte(32)
        self.receivedTOS = byte(33)
        self.count = buffer.getInteger(at: start + 36, as: UInt32.self) ?? 0
        self.cookie = buffer.getInteger(at: start + 40, as: UInt32.self) ?? 0
        buffer.moveReaderIndex(forwardBy: length)
    }

    /// Parses a whole datagram: exactly one probe, nothing after it.
    public init(datagram: ByteBuffer) throws(NetTestProbeError) {
        var input = datagram
        let total = input.readableBytes
        try self.init(parsing: &input)
        guard input.readableBytes == 0 else { throw NetTestProbeError(.badLength, at: total - input.readableBytes) }
    }

    /// Writes the probe, padded with zeros to ``length``.
    public func write(to buffer: inout ByteBuffer) {
        buffer.reserveCapacity(minimumWritableBytes: length)
        buffer.writeInteger(Self.marker)
        buffer.writeInteger(Self.magic.0)
        buffer.writeInteger(Self.magic.1)
        buffer.writeInteger(Self.version)
        buffer.writeInteger(kind.rawValue)
        buffer.writeInteger(reason.rawValue)
        buffer.writeInteger(UInt16(length))
        buffer.writeInteger(session)
        buffer.writeInteger(sequence)
        buffer.writeInteger(clientTime)
        buffer.writeInteger(responderTime)
        buffer.writeInteger(sentTOS)
        buffer.writeInteger(receivedTOS)
        buffer.writeInteger(UInt16(0))
        buffer.writeInteger(count)
        buffer.writeInteger(cookie)
        buffer.writeRepeatingByte(0, count: length - Self.headerLength)
    }

    /// The probe as bytes.
    public var bytes: [UInt8] {
        var buffer = ByteBufferAllocator().buffer(capacity: length)
        write(to: &buffer)
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }

    /// Parses bytes (a datagram read by a plain socket).
    public init(bytes: some Sequence<UInt8>) throws(NetTestProbeError) {
        try self.init(datagram: ByteBuffer(bytes: bytes))
    }
}

/// A probe that could not be parsed: what was wrong and at which byte offset.
public struct NetTestProbeError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        case truncated, badMagic, unsupportedVersion, unknownKind, unknownReason, badLength
    }

    public var code: Code
    /// Byte offset in the probe.
    public var offset: Int

    public init(_ code: Code, at offset: Int) {
        self.code = code
        self.offset = offset
    }

    public var description: String { "network-test probe: \(code.rawValue) at byte \(offset)" }
}
