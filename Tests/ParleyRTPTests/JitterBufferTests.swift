import NIOCore
import ParleyRTP
import Testing

@Suite("Adaptive jitter buffer")
struct JitterBufferTests {
    struct Arrival {
        var sequence: UInt16
        var timestamp: UInt32
        var time: Int64
        var payloadLength = 160
    }

    enum Played: Equatable {
        case frame(UInt16)
        case lost, underrun, stretch, silence
    }

    /// Inserts arrivals and pops at the given times, in time order (inserts first on ties).
    static func run(_ buffer: inout JitterBuffer, arrivals: [Arrival], pops: [Int64]) -> [Played] {
        var played: [Played] = []
        var next = 0
        let ordered = arrivals.sorted { $0.time < $1.time }
        for time in pops {
            while next < ordered.count, ordered[next].time <= time {
                let arrival = ordered[next]
                let payload = [UInt8](repeating: UInt8(truncatingIfNeeded: arrival.sequence), count: arrival.payloadLength)
                payload.withUnsafeBytes {
                    _ = buffer.insert(
                        sequenceNumber: arrival.sequence, timestamp: arrival.timestamp, payloadType: 0,
                        marker: false, payload: $0, now: arrival.time
                    )
                }
                next += 1
            }
            switch buffer.pop(now: time) {
            case .frame(let frame):
                // The payload is the one inserted for that sequence number.
                let first = buffer.withPayload(of: frame) { $0.first }
                #expect(first == UInt8(truncatingIfNeeded: frame.sequenceNumber))
                #expect(frame.payloadLength == 160)
                played.append(.frame(frame.sequenceNumber))
            case .concealment(.lost): played.append(.lost)
            case .concealment(.underrun): played.append(.underrun)
            case .concealment(.stretch): played.append(.stretch)
            case .silence: played.append(.silence)
            }
        }
        return played
    }

    /// Packets every 20 ms with constant transit (1000 ticks).
    static func steady(_ range: Range<Int>, transit: Int64 = 1000) -> [Arrival] {
        range.map { Arrival(sequence: UInt16(truncatingIfNeeded: $0), timestamp: UInt32($0 * 160), time: Int64($0 * 160) + transit) }
    }

    static func ticks(from start: Int64, count: Int) -> [Int64] {
        (0..<count).map { start + Int64($0 * 160) }
    }

    static func frames(_ played: [Played]) -> [UInt16] {
        played.compactMap { if case .frame(let sequence) = $0 { return sequence } else { return nil } }
    }

    @Test func steadyStreamPlaysInOrderAfterTheInitialDelay() {
        var buffer = JitterBuffer()
        let played = Self.run(&buffer, arrivals: Self.steady(0..<100), pops: Self.ticks(from: 1080, count: 100))
        #expect(Array(played.prefix(2)) == [.silence, .silence])  // building up 40 ms
        #expect(Self.frames(played) == Array(0..<98))
        #expect(buffer.statistics.lost == 0)
        #expect(buffer.statistics.late == 0)
        #expect(buffer.statistics.underruns == 0)
        #expect(buffer.statistics.received == 100)
    }

    @Test func reorderedPacketsComeOutInOrder() {
        var arrivals = Self.steady(0..<40)
        for pair in stride(from: 2, to: 38, by: 4) {
            // Swap the arrival times of pair and pair + 1.
            let time = arrivals[pair].time
            arrivals[pair].time = arrivals[pair + 1].time
            arrivals[pair + 1].time = time
        }
        var buffer = JitterBuffer()
        let played = Self.run(&buffer, arrivals: arrivals, pops: Self.ticks(from: 1080, count: 40))
        let frames = Self.frames(played)
        #expect(frames == Array(0..<UInt16(frames.count)))
        #expect(frames.count >= 35)
        #expect(!played.contains(.lost))
        #expect(buffer.statistics.late == 0)
    }

    @Test func duplicatesAreDiscarded() {
        var buffer = JitterBuffer()
        let payload = [UInt8](repeating: 1, count: 160)
        payload.withUnsafeBytes { bytes in
            #expect(buffer.insert(sequenceNumber: 1, timestamp: 160, payloadType: 0, marker: false, payload: bytes, now: 0) == .accepted)
            #expect(buffer.insert(sequenceNumber: 1, timestamp: 160, payloadType: 0, marker: false, payload: bytes, now: 10) == .duplicate)
        }
        #expect(buffer.statistics.duplicates == 1)
        #expect(buffer.bufferedPackets == 1)
        var arrivals = Self.steady(0..<20)
        arrivals += arrivals.suffix(5).map { var copy = $0; copy.time += 30; return copy }
        var second = JitterBuffer()
        let played = Self.run(&second, arrivals: arrivals, pops: Self.ticks(from: 1080, count: 24))
        #expect(Self.frames(played) == Array(0..<20))
        #expect(second.statistics.duplicates == 5)
    }

    @Test func aMissingPacketIsConcealedAsLost() {
        let arrivals = Self.steady(0..<30).filter { $0.sequence != 10 }
        var buffer = JitterBuffer()
        let played = Self.run(&buffer, arrivals: arrivals, pops: Self.ticks(from: 1080, count: 30))
        #expect(played.filter { $0 == .lost }.count == 1)
        #expect(buffer.statistics.lost == 1)
        #expect(Self.frames(played) == Array(0..<10) + Array(11..<28))
    }

    @Test func aLatePacketIsCountedAndTheDelayGrows() {
        var arrivals = Self.steady(0..<60)
        arrivals[20].time += 1600  // 200 ms late: arrives at 5800
        var buffer = JitterBuffer()
        let firstTicks = Self.ticks(from: 1080, count: 31)  // up to 5880
        var played = Self.run(&buffer, arrivals: arrivals.filter { $0.time <= 5880 }, pops: firstTicks)
        #expect(buffer.statistics.late == 1)
        #expect(buffer.statistics.lost == 1)
        #expect(buffer.targetDelay == 1600)  // grew to the 200 ms ceiling at once
        played += Self.run(&buffer, arrivals: arrivals.filter { $0.time > 5880 }, pops: Self.ticks(from: 6040, count: 30))
        #expect(played.contains(.stretch))
        #expect(!Self.frames(played).contains(20))
        let frames = Self.frames(played)
        #expect(frames == Array(0..<20) + Array(21..<UInt16(frames.count + 1)))
    }

    @Test func underrunConcealsThenGoesSilent() {
        var buffer = JitterBuffer()
        let played = Self.run(&buffer, arrivals: Self.steady(0..<20), pops: Self.ticks(from: 1080, count: 30))
        let tail = Array(played.drop { $0 != .underrun })
        #expect(Array(tail.prefix(4)) == [.underrun, .underrun, .underrun, .silence])
        #expect(tail.dropFirst(3).allSatisfy { $0 == .silence })
        #expect(buffer.statistics.underruns == 1)
        #expect(buffer.statistics.lost == 0)
    }

    @Test func aNewTalkspurtAfterSilenceIsReanchored() {
        // 20 packets, two seconds of silence suppression, 20 more: timestamps follow time.
        let arrivals = Self.steady(0..<20) + Self.steady(120..<140).map {
            var copy = $0
            copy.sequence = UInt16($0.sequence - 100)  // sequence continues: no loss
            return copy
        }
        var buffer = JitterBuffer()
        let played = Self.run(&buffer, arrivals: arrivals, pops: Self.ticks(from: 1080, count: 145))
        #expect(Self.frames(played) == Array(0..<40))
        #expect(buffer.statistics.late == 0)
        #expect(buffer.statistics.talkspurts == 2)
    }

    @Test func timestampJumpResynchronizes() {
        var arrivals = Self.steady(0..<10)
        arrivals += (10..<30).map {
            Arrival(sequence: UInt16($0), timestamp: 5_000_000 + UInt32($0 * 160), time: Int64($0 * 160) + 1000)
        }
        var buffer = JitterBuffer()
        let played = Self.run(&buffer, arrivals: arrivals, pops: Self.ticks(from: 1080, count: 30))
        #expect(buffer.statistics.resynchronizations == 1)
        let after = Self.frames(played).filter { $0 >= 10 }
        #expect(after == Array(10..<UInt16(10 + after.count)))
        #expect(after.count >= 15)
    }

    @Test func timestampsWrapAround() {
        let arrivals = (0..<40).map {
            Arrival(sequence: UInt16($0), timestamp: UInt32.max - 3000 &+ UInt32($0 * 160), time: Int64($0 * 160) + 1000)
        }
        var buffer = JitterBuffer()
        let played = Self.run(&buffer, arrivals: arrivals, pops: Self.ticks(from: 1080, count: 40))
        #expect(Self.frames(played) == Array(0..<38))
        #expect(buffer.statistics.resynchronizations == 0)
    }

    @Test func oversizedPayloadIsRejected() {
        var buffer = JitterBuffer()
        let payload = [UInt8](repeating: 0, count: 321)
        let result = payload.withUnsafeBytes {
            buffer.insert(sequenceNumber: 0, timestamp: 0, payloadType: 0, marker: false, payload: $0, now: 0)
        }
        #expect(result == .tooLarge)
        #expect(buffer.statistics.tooLarge == 1)
        #expect(buffer.pop(now: 1000) == .silence)
    }

    @Test func delayGrowsQuicklyAndShrinksSlowly() {
        var generator = SeededGenerator(seed: 42)
        // Ten seconds with up to 60 ms (480 ticks) of random extra transit…
        var arrivals = (0..<500).map {
            Arrival(sequence: UInt16($0), timestamp: UInt32($0 * 160), time: Int64($0 * 160) + 1000 + Int64.random(in: 0...480, using: &generator))
        }
        // …then twenty seconds of perfect pacing.
        arrivals += Self.steady(500..<1500)
        var buffer = JitterBuffer()
        var targets: [Int] = []
        var played: [Played] = []
        for (index, time) in Self.ticks(from: 1080, count: 1500).enumerated() {
            let batch = arrivals.filter { $0.time > time - 160 && $0.time <= time }
            played += Self.run(&buffer, arrivals: batch, pops: [time])
            if index % 50 == 49 { targets.append(buffer.targetDelay) }
        }
        // After one second of jitter the target covers most of it.
        #expect(targets[0] >= 400, "target after 1 s: \(targets[0])")
        // Clean playout once adapted: few concealments in seconds 2-10.
        let jittery = played[100..<500]
        let concealed = jittery.filter { $0 == .lost || $0 == .underrun }.count
        #expect(concealed <= 8, "concealed \(concealed) of 400 frames")
        // One second into the steady part the delay is still high; at the end it is low.
        #expect(targets[10] >= 300, "target 1 s after the jitter stopped: \(targets[10])")
        #expect(targets.last ?? 0 <= 320, "final target \(targets.last ?? 0)")
        #expect(buffer.statistics.dropped > 0)
    }

    @Test func resetForgetsEverything() {
        var buffer = JitterBuffer()
        _ = Self.run(&buffer, arrivals: Self.steady(0..<10), pops: Self.ticks(from: 1080, count: 3))
        buffer.reset()
        #expect(buffer.bufferedPackets == 0)
        #expect(buffer.pop(now: 100_000) == .silence)
    }
}
