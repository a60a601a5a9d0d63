import NIOCore

/// An adaptive jitter buffer for one audio leg: packets in as they arrive, one frame out
/// per mixer tick.
///
/// ## Model
/// Packets are keyed by RTP timestamp into a ring of `slotCount` frame slots starting at the
/// playout cursor (the timestamp of the next frame to play). Payload bytes are copied into
/// preallocated slot storage, so insert and pop never allocate and the buffer never pins
/// the receive buffers; its memory is bounded (16 slots × `maximumPayloadBytes`).
///
/// Time is an input: `now` is the arrival or tick time in RTP timestamp units (see
/// ``RTPClock``), from the owner's injected clock.
///
/// ## Adaptation
/// Each packet's relative transit (`now - timestamp`) is compared with a baseline, the
/// smallest transit over the last two windows of 100 packets (about 2-4 s, so it follows
/// route and clock drift). The excess is the delay that packet needed. A peak tracker
/// rises to any larger need at once and decays slowly (time constant ~128 packets), and the
/// target delay is that peak plus one frame, between `minimumDelayFrames` and
/// `maximumDelayFrames` (default 200 ms).
///
/// At every pop the cursor is compared with where the target says it should be:
/// - more than a frame early (target grew): hold the cursor and return a
///   ``Gap/stretch`` concealment frame — the delay grows quickly, one frame per tick;
/// - more than 1.5 frames late (target shrank): skip one frame, at most once every
///   `shrinkIntervalFrames` ticks — the delay shrinks slowly.
///
/// ## Loss, lateness, silence
/// A missing frame with later packets buffered is ``Gap/lost``; with nothing buffered it is
/// an ``Gap/underrun``. After `idleAfterFrames` missing frames in a row with nothing buffered
/// (silence suppression or an outage) the buffer goes idle and returns ``Output/silence``; the
/// next packet starts a new talkspurt, re-anchoring the cursor on it at the target delay.
/// A packet for a frame already played is late; the same frame twice is a duplicate; a
/// timestamp jump of more than a second either way resynchronizes the buffer.
///
/// Packet-loss concealment itself (repeat and fade, then silence) happens on decoded audio:
/// see ``PacketLossConcealer``, which the caller runs for every ``Output/concealment(_:)``.
///
/// Frames are `frameTicks` long (20 ms: 160 at 8 kHz); packets must carry one frame each, as
/// Parley's SDP answer asks with `ptime:20`.
public struct JitterBuffer: Sendable {
    static let slotCount = 16
    private static let slotMask = slotCount - 1
    private static let baselineWindow = 100

    private struct Slot: Sendable {
        var occupied = false
        var extendedTimestamp: Int64 = 0
        var sequenceNumber: UInt16 = 0
        var payloadType: UInt8 = 0
        var marker = false
        var length = 0
    }

    private enum Phase: Sendable {
        case empty
        case buffering
        case playing
        case idle
    }

    public let configuration: Configuration
    public private(set) var statistics = Statistics()

    private var phase = Phase.empty
    /// Extended timestamp of the next frame to play.
    private var cursor: Int64 = 0
    /// Frames played since the start; slot of the cursor is `cursorFrame & slotMask`.
    private var cursorFrame = 0
    private var slots = [Slot](repeating: Slot(), count: slotCount)
    private var payloads: [UInt8]
    private var occupiedCount = 0

    private var baselineCurrent: Int64 = 0
    private var baselinePrevious: Int64 = 0
    private var baselineCount = 0
    /// Delay needed by recent packets beyond the baseline (fast up, slow down).
    private var peak: Int64 = 0
    private var ticksSinceShrink = 0
    private var consecutiveMissing = 0

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.payloads = [UInt8](repeating: 0, count: Self.slotCount * configuration.maximumPayloadBytes)
    }

    /// The delay the buffer aims for, in RTP timestamp units.
    public var targetDelay: Int {
        let frame = Int64(configuration.frameTicks)
        let wanted = peak + frame
        let low = Int64(configuration.minimumDelayFrames) * frame
        let high = Int64(configuration.maximumDelayFrames) * frame
        return Int(min(max(wanted, low), high))
    }

    /// Packets waiting to be played.
    public var bufferedPackets: Int { occupiedCount }

    /// Empties the buffer and forgets timing (new SSRC, re-INVITE); statistics stay.
    public mutating func reset() {
        flush()
        phase = .empty
        peak = 0
        consecutiveMissing = 0
    }

    // MARK: Insert

    /// Inserts a parsed RTP packet that arrived at `now` (RTP timestamp units).
    @discardableResult
    public mutating func insert(_ packet: RTPPacket, now: Int64) -> InsertResult {
        packet.payload.withUnsafeReadableBytes { bytes in
            insert(
                sequenceNumber: packet.header.sequenceNumber,
                timestamp: packet.header.timestamp,
                payloadType: packet.header.payloadType,
                marker: packet.header.marker,
                payload: bytes,
                now: now
            )
        }
    }

    /// Inserts a packet by its fields; the payload bytes are copied.
    @discardableResult
    public mutating func insert(
        sequenceNumber: UInt16,
        timestamp: UInt32,
        payloadType: UInt8,
        marker: Bool,
        payload: UnsafeRawBufferPointer,
        now: Int64
    ) -> InsertResult {
        guard payload.count <= configuration.maximumPayloadBytes else {
            statistics.tooLarge += 1
            return .tooLarge
        }
        statistics.received += 1
        var result = InsertResult.accepted
        let frame = Int64(configuration.frameTicks)

        if phase == .empty {
            anchor(timestamp: timestamp, now: now)
        }
        var extended = unwrap(timestamp)
        if abs(extended - cursor) > 50 * frame {
            // More than a second away from where we are: the sender jumped. Start over.
            statistics.resynchronizations += 1
            result = .resynchronized
            flush()
            anchor(timestamp: timestamp, now: now)
            extended = cursor
        } else if phase == .idle {
            // First packet after silence: a new talkspurt, played at the target delay.
            cursor = extended
            phase = .buffering
            statistics.talkspurts += 1
        }
        updateDelayEstimate(extended: extended, now: now)

        let offset = extended - cursor
        var index = Int(floorDivide(offset + frame / 2, frame))
        if index < 0 {
            statistics.late += 1
            return .late
        }
        if index >= Self.slotCount {
            // Too far ahead to fit: give up the oldest frames to make room.
            let excess = index - Self.slotCount + 1
            for _ in 0..<excess {
                discardCursorFrame()
                statistics.dropped += 1
            }
            index = Self.slotCount - 1
        }
        let slotIndex = (cursorFrame + index) & Self.slotMask
        if slots[slotIndex].occupied {
            statistics.duplicates += 1
            return .duplicate
        }
        let base = slotIndex * configuration.maximumPayloadBytes
        payloads.withUnsafeMutableBytes { storage in
            UnsafeMutableRawBufferPointer(rebasing: storage[base..<(base + payload.count)]).copyMemory(from: payload)
        }
        slots[slotIndex] = Slot(
            occupied: true,
            extendedTimestamp: extended,
            sequenceNumber: sequenceNumber,
            payloadType: payloadType,
            marker: marker,
            length: payload.count
        )
        occupiedCount += 1
        return result
    }

    // MARK: Pop

    /// What to play for the tick at `now` (RTP timestamp units). Call once per frame time.
    public mutating func pop(now: Int64) -> Output {
        let frame = Int64(configuration.frameTicks)
        switch phase {
        case .empty, .idle:
            return .silence
        case .buffering:
            guard idealCursor(now: now) >= cursor else { return .silence }
            phase = .playing
            ticksSinceShrink = 0
        case .playing:
            break
        }
        ticksSinceShrink += 1
        let drift = idealCursor(now: now) - cursor
        if drift <= -frame {
            // Playing earlier than the target asks: grow the delay by one frame.
            statistics.stretched += 1
            return .concealment(.stretch)
        }
        if drift >= frame + frame / 2, ticksSinceShrink >= configuration.shrinkIntervalFrames {
            // Later than the target asks: shrink by one frame, slowly.
            ticksSinceShrink = 0
            discardCursorFrame()
            statistics.dropped += 1
        }

        let slotIndex = cursorFrame & Self.slotMask
        let slot = slots[slotIndex]
        if slot.occupied {
            slots[slotIndex].occupied = false
            occupiedCount -= 1
            advance()
            consecutiveMissing = 0
            return .frame(
                Frame(
                    sequenceNumber: slot.sequenceNumber,
                    timestamp: UInt32(truncatingIfNeeded: slot.extendedTimestamp),
                    payloadType: slot.payloadType,
                    marker: slot.marker,
                    payloadLength: slot.length,
                    slot: slotIndex
                )
            )
        }
        advance()
        consecutiveMissing += 1
        if occupiedCount > 0 {
            statistics.lost += 1
            return .concealment(.lost)
        }
        if consecutiveMissing == 1 {
            statistics.underruns += 1
        }
        if consecutiveMissing > configuration.idleAfterFrames {
            phase = .idle
            return .silence
        }
        return .concealment(.underrun)
    }

    /// Gives `body` the payload bytes of a frame returned by ``pop(now:)``. Valid until the
    /// next insert.
    public func withPayload<Result>(of frame: Frame, _ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        let base = frame.slot * configuration.maximumPayloadBytes
        let length = min(frame.payloadLength, configuration.maximumPayloadBytes)
        return try payloads.withUnsafeBytes { storage in
            try body(UnsafeRawBufferPointer(rebasing: storage[base..<(base + length)]))
        }
    }

    // MARK: Internals

    private mutating func anchor(timestamp: UInt32, now: Int64) {
        cursor = Int64(timestamp)
        let transit = now - cursor
        baselineCurrent = transit
        baselinePrevious = transit
        baselineCount = 0
        let frame = Int64(configuration.frameTicks)
        peak = max(peak, Int64(configuration.initialDelayFrames - 1) * frame)
        phase = .buffering
        statistics.talkspurts += 1
    }

    /// The cursor's extended timestamp space: nearest to the cursor modulo 2^32.
    private func unwrap(_ timestamp: UInt32) -> Int64 {
        let reference = UInt32(truncatingIfNeeded: cursor)
        return cursor + Int64(Int32(bitPattern: timestamp &- reference))
    }

    private var baseline: Int64 { min(baselineCurrent, baselinePrevious) }

    private func idealCursor(now: Int64) -> Int64 {
        now - baseline - Int64(targetDelay)
    }

    private mutating func updateDelayEstimate(extended: Int64, now: Int64) {
        let transit = now - extended
        baselineCurrent = min(baselineCurrent, transit)
        baselineCount += 1
        if baselineCount >= Self.baselineWindow {
            baselinePrevious = baselineCurrent
            baselineCurrent = transit
            baselineCount = 0
        }
        let needed = max(0, transit - baseline)
        if needed > peak {
            peak = needed
        } else {
            peak -= (peak - needed + 127) / 128
        }
    }

    private mutating func advance() {
        cursor += Int64(configuration.frameTicks)
        cursorFrame &+= 1
    }

    /// Skips the frame at the cursor, freeing its slot.
    private mutating func discardCursorFrame() {
        let slotIndex = cursorFrame & Self.slotMask
        if slots[slotIndex].occupied {
            slots[slotIndex].occupied = false
            occupiedCount -= 1
        }
        advance()
    }

    private mutating func flush() {
        for index in 0..<Self.slotCount {
            slots[index].occupied = false
        }
        occupiedCount = 0
    }

    private func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let quotient = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
    }
}
