import NIOCore

/// An RTCP BYE packet, type 203 (RFC 3550 section 6.6): the listed sources are leaving.
public struct RTCPGoodbye: Hashable, Sendable {
    public static let packetType: UInt8 = 203

    /// At most 31 sources.
    public var ssrcs: [UInt32]
    /// Optional reason for leaving, at most 255 bytes of UTF-8.
    public var reason: String?

    public init(ssrcs: [UInt32], reason: String? = nil) {
        self.ssrcs = ssrcs
        self.reason = reason
    }

    init(body: ByteBuffer, count: Int) throws(RTPParseError) {
        var input = body
        var ssrcs: [UInt32] = []
        ssrcs.reserveCapacity(count)
        for index in 0..<count {
            guard let ssrc = input.readInteger(as: UInt32.self) else {
                throw RTPParseError(.badLength, kind: .rtcp, offset: 4 + index * 4)
            }
            ssrcs.append(ssrc)
        }
        self.ssrcs = ssrcs
        self.reason = nil
        if let length = input.readInteger(as: UInt8.self), length > 0 {
            guard let text = input.readSlice(length: Int(length)) else {
                throw RTPParseError(.badItem, kind: .rtcp, offset: 4 + count * 4)
            }
            self.reason = String(buffer: text)
        }
    }

    var count: Int { ssrcs.count }

    func writeBody(to buffer: inout ByteBuffer) {
        let start = buffer.writerIndex
        for ssrc in ssrcs.prefix(31) {
            buffer.writeInteger(ssrc)
        }
        if let reason {
            let bytes = reason.utf8.prefix(255)
            buffer.writeInteger(UInt8(bytes.count))
            buffer.writeBytes(bytes)
            let written = buffer.writerIndex - start
            buffer.writeRepeatingByte(0, count: (4 - written % 4) % 4)
        }
    }
}
