import NIOCore
import ParleyRTP
import Testing

@Suite("RFC 4571 framing and the RTP sender")
struct FramingAndSenderTests {
    @Test func framesSplitAStream() throws {
        var stream = ByteBufferAllocator().buffer(capacity: 64)
        #expect(RFC4571Framing.writeFrame(ByteBuffer(bytes: [1, 2, 3]), to: &stream))
        #expect(RFC4571Framing.writeFrame(ByteBuffer(bytes: []), to: &stream))
        #expect(RFC4571Framing.writeFrame(ByteBuffer(bytes: [9]), to: &stream))
        #expect(stream.bytes == [0, 3, 1, 2, 3, 0, 0, 0, 1, 9])
        // Byte by byte, as TCP may deliver it.
        var partial = ByteBufferAllocator().buffer(capacity: 16)
        var frames: [[UInt8]] = []
        for byte in stream.bytes {
            partial.writeInteger(byte)
            while let frame = RFC4571Framing.readFrame(from: &partial) {
                frames.append(frame.bytes)
            }
        }
        #expect(frames == [[1, 2, 3], [], [9]])
        #expect(partial.readableBytes == 0)
    }

    @Test func incompleteFrameLeavesTheBufferAlone() {
        var buffer = ByteBuffer(bytes: [0, 5, 1, 2])
        #expect(RFC4571Framing.readFrame(from: &buffer) == nil)
        #expect(buffer.readableBytes == 4)
        var tooLong = ByteBufferAllocator().buffer(capacity: 0)
        let big = ByteBuffer(bytes: [UInt8](repeating: 0, count: 65536))
        #expect(!RFC4571Framing.writeFrame(big, to: &tooLong))
        #expect(tooLong.readableBytes == 0)
    }

    @Test func senderNumbersPacketsAndCountsForReports() {
        var sender = RTPSender(ssrc: 0xABCD, initialSequenceNumber: 65535)
        let first = sender.nextHeader(payloadType: 0, timestamp: 160, marker: true, payloadLength: 160)
        let second = sender.nextHeader(payloadType: 0, timestamp: 320, payloadLength: 160)
        #expect(first.sequenceNumber == 65535 && first.marker)
        #expect(second.sequenceNumber == 0 && !second.marker)
        #expect(second.ssrc == 0xABCD)
        let report = sender.senderReport(now: NTPTimestamp(seconds: 1, fraction: 0), rtpTimestamp: 480)
        #expect(report.packetCount == 2)
        #expect(report.octetCount == 320)
        #expect(report.rtpTimestamp == 480)
    }
}
