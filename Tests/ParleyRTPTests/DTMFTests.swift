import NIOCore
import ParleyRTP
import Testing

@Suite("RFC 4733 telephone events and DTMF")
struct DTMFTests {
    @Test func eventPayloadRoundTrips() throws {
        let event = TelephoneEvent(event: 11, isEnd: true, volume: 10, duration: 800)
        var buffer = ByteBufferAllocator().buffer(capacity: 4)
        #expect(event.write(to: &buffer) == 4)
        #expect(buffer.bytes == [0x0B, 0x8A, 0x03, 0x20])
        #expect(try TelephoneEvent(parsing: &buffer) == event)
        #expect(buffer.readableBytes == 0)
    }

    @Test func parsingIgnoresTheReservedBit() throws {
        var buffer = ByteBuffer(bytes: [0x05, 0x40 | 0x0A, 0x00, 0xA0])
        let event = try TelephoneEvent(parsing: &buffer)
        #expect(event == TelephoneEvent(event: 5, isEnd: false, volume: 10, duration: 160))
        #expect(event.digit == DTMFDigit("5"))
    }

    @Test func shortPayloadIsAnError() {
        var buffer = ByteBuffer(bytes: [0x05, 0x8A, 0x00])
        #expect(throws: RTPParseError(.truncated, kind: .telephoneEvent, offset: 3)) {
            try TelephoneEvent(parsing: &buffer)
        }
        #expect(buffer.readableBytes == 3)
    }

    @Test func digitsMapEventsZeroToFifteen() {
        let text = (0...15).compactMap { DTMFDigit(event: UInt8($0))?.description }.joined()
        #expect(text == "0123456789*#ABCD")
        #expect(DTMFDigit(event: 16) == nil)
        #expect(DTMFDigit("#")?.event == 11)
        #expect(DTMFDigit("d")?.event == 15)
        #expect(DTMFDigit("x") == nil)
        #expect(DTMFDigit("é") == nil)
    }

    @Test func senderProducesStartUpdatesAndThreeEnds() {
        let packets = Array(DTMFSender(digit: DTMFDigit("7")!, timestamp: 48000))
        #expect(packets.count == 4 + 3)
        #expect(packets.map(\.marker) == [true, false, false, false, false, false, false])
        #expect(packets.allSatisfy { $0.timestamp == 48000 && $0.event.event == 7 && $0.event.volume == 10 })
        #expect(packets.map(\.event.duration) == [160, 320, 480, 640, 800, 800, 800])
        #expect(packets.map(\.event.isEnd) == [false, false, false, false, true, true, true])
        let short = Array(DTMFSender(digit: DTMFDigit("1")!, timestamp: 0, duration: 100))
        #expect(short.map(\.event.duration) == [100, 100, 100, 100])
    }

    func feed(_ packets: [DTMFSender.Packet], into receiver: inout DTMFReceiver) -> [DTMFReceiver.Action] {
        packets.compactMap { receiver.receive($0.event, timestamp: $0.timestamp) }
    }

    @Test func oneDigitPerKeyPress() {
        var receiver = DTMFReceiver()
        let actions = feed(Array(DTMFSender(digit: DTMFDigit("5")!, timestamp: 1000)), into: &receiver)
        #expect(actions == [.began(DTMFDigit("5")!), .ended(DTMFDigit("5")!, duration: 800)])
        #expect(actions.compactMap(\.pressedDigit) == [DTMFDigit("5")!])
        #expect(receiver.activeDigit == nil)
    }

    @Test func redundantAndRetransmittedPacketsCountOnce() {
        var receiver = DTMFReceiver()
        let packets = Array(DTMFSender(digit: DTMFDigit("9")!, timestamp: 1000))
        // Every packet sent twice, and the end block repeated again later.
        let stream = packets.flatMap { [$0, $0] } + [packets[6], packets[6]]
        let actions = feed(stream, into: &receiver)
        #expect(actions.compactMap(\.pressedDigit) == [DTMFDigit("9")!])
        #expect(actions.count == 2)
    }

    @Test func lostStartPacketStillGivesTheDigit() {
        var receiver = DTMFReceiver()
        let packets = Array(DTMFSender(digit: DTMFDigit("3")!, timestamp: 5000))
        let actions = feed(Array(packets.dropFirst(2)), into: &receiver)
        #expect(actions == [.began(DTMFDigit("3")!), .ended(DTMFDigit("3")!, duration: 800)])
    }

    @Test func onlyEndPacketsArrive() {
        var receiver = DTMFReceiver()
        let packets = Array(DTMFSender(digit: DTMFDigit("*")!, timestamp: 5000))
        let actions = feed(Array(packets.suffix(3)), into: &receiver)
        #expect(actions == [.beganAndEnded(DTMFDigit("*")!, duration: 800)])
    }

    @Test func sameDigitTwiceIsTwoPresses() {
        var receiver = DTMFReceiver()
        let digit = DTMFDigit("1")!
        let first = Array(DTMFSender(digit: digit, timestamp: 8000))
        let second = Array(DTMFSender(digit: digit, timestamp: 9600))
        let actions = feed(first + second, into: &receiver)
        #expect(actions.compactMap(\.pressedDigit) == [digit, digit])
    }

    @Test func lostEndsAreClosedByTheNextPress() {
        var receiver = DTMFReceiver()
        let first = Array(DTMFSender(digit: DTMFDigit("4")!, timestamp: 8000)).prefix(3)
        let second = Array(DTMFSender(digit: DTMFDigit("#")!, timestamp: 9600))
        let actions = feed(Array(first) + second, into: &receiver)
        #expect(actions.compactMap(\.pressedDigit) == [DTMFDigit("4")!, DTMFDigit("#")!])
    }

    @Test func stalePacketsOfAnEarlierPressAreIgnored() {
        var receiver = DTMFReceiver()
        let first = Array(DTMFSender(digit: DTMFDigit("2")!, timestamp: 8000))
        let second = Array(DTMFSender(digit: DTMFDigit("8")!, timestamp: 9600))
        // A delayed end of the first press arrives during the second.
        let stream = Array(first) + Array(second.prefix(2)) + [first[6]] + Array(second.dropFirst(2))
        let actions = feed(stream, into: &receiver)
        #expect(actions.compactMap(\.pressedDigit) == [DTMFDigit("2")!, DTMFDigit("8")!])
        #expect(actions.count == 4)
    }

    @Test func timestampWrapIsANewerPress() {
        var receiver = DTMFReceiver()
        let first = Array(DTMFSender(digit: DTMFDigit("A")!, timestamp: UInt32.max - 100))
        let second = Array(DTMFSender(digit: DTMFDigit("B")!, timestamp: 1500))
        let actions = feed(first + second, into: &receiver)
        #expect(actions.compactMap(\.pressedDigit) == [DTMFDigit("A")!, DTMFDigit("B")!])
    }

    @Test func nonKeyEventsAreIgnored() {
        var receiver = DTMFReceiver()
        #expect(receiver.receive(TelephoneEvent(event: 16, duration: 160), timestamp: 0) == nil)  // flash
        #expect(receiver.receive(TelephoneEvent(event: 0, duration: 160), timestamp: 0) == .began(DTMFDigit("0")!))
    }

    @Test func receivesFromRTPPackets() throws {
        var receiver = DTMFReceiver()
        var payload = ByteBufferAllocator().buffer(capacity: 4)
        TelephoneEvent(event: 12, duration: 160).write(to: &payload)
        let packet = RTPPacket(header: RTPHeader(marker: true, payloadType: 101, sequenceNumber: 1, timestamp: 77, ssrc: 1), payload: payload)
        #expect(try receiver.receive(packet) == .began(DTMFDigit("A")!))
        let empty = RTPPacket(header: packet.header, payload: ByteBuffer())
        #expect(throws: RTPParseError.self) { try receiver.receive(empty) }
    }
}
