import Metrics

/// Engine-wide counters, for tests, logs and `/metrics`.
public struct MediaEngineStatistics: Sendable, Hashable {
    public var legs = 0
    public var rooms = 0
    /// Ticks run, ticks that started late (more than 5 ms after their deadline), ticks
    /// skipped after a stall.
    public var ticks: UInt64 = 0
    public var lateTicks: UInt64 = 0
    public var skippedTicks: UInt64 = 0
    public var packetsReceived: UInt64 = 0
    public var packetsSent: UInt64 = 0
    /// RTP from an address no leg accepts (unknown source, or a latch refused).
    public var droppedUnknownSource: UInt64 = 0
    /// RTP/RTCP that did not parse.
    public var droppedMalformed: UInt64 = 0
    /// STUN, DTLS and other protocols this engine does not serve.
    public var droppedOtherProtocol: UInt64 = 0
    /// Outgoing packets not sent because the socket was not writable.
    public var droppedUnwritable: UInt64 = 0
    /// Latches to a new source address.
    public var latches: UInt64 = 0

    public init() {}
}

/// The engine's metrics (swift-metrics; the Prometheus backend is bootstrapped by ParleyApp).
/// Counters are kept as plain integers on the loop and reported here once a second, so the
/// media path touches no metrics handler per packet.
struct MediaMetrics: Sendable {
    /// Wall time of one mixer tick (all rooms and legs of the engine).
    /// A whole tick: decode, mix, encode, and handing the packets to the kernel.
    let tickDuration = Timer(label: "parley_mixer_tick_seconds", preferredDisplayUnit: .seconds)
    /// The mixing part of a tick (jitter buffers, decode, mix, encode), before any packet is sent.
    let mixDuration = Timer(label: "parley_mixer_mix_seconds", preferredDisplayUnit: .seconds)
    let lateTicks = Counter(label: "parley_mixer_late_ticks_total")
    let skippedTicks = Counter(label: "parley_mixer_skipped_ticks_total")
    let packetsIn = Counter(label: "parley_media_packets_total", dimensions: [("direction", "in")])
    let packetsOut = Counter(label: "parley_media_packets_total", dimensions: [("direction", "out")])
    let droppedUnknownSource = Counter(label: "parley_media_packets_dropped_total", dimensions: [("reason", "unknown_source")])
    let droppedMalformed = Counter(label: "parley_media_packets_dropped_total", dimensions: [("reason", "malformed")])
    let droppedOtherProtocol = Counter(label: "parley_media_packets_dropped_total", dimensions: [("reason", "other_protocol")])
    let droppedUnwritable = Counter(label: "parley_media_packets_dropped_total", dimensions: [("reason", "unwritable")])
    /// Moved by each engine's change, so the shards of a node add up.
    let legs = Meter(label: "parley_media_legs")
    let rooms = Meter(label: "parley_media_rooms")

    /// Reports what changed between two readings of the engine's counters.
    func report(from old: MediaEngineStatistics, to new: MediaEngineStatistics) {
        func add(_ counter: Counter, _ before: UInt64, _ after: UInt64) {
            if after > before {
                counter.increment(by: Int64(clamping: after - before))
            }
        }
        add(lateTicks, old.lateTicks, new.lateTicks)
        add(skippedTicks, old.skippedTicks, new.skippedTicks)
        add(packetsIn, old.packetsReceived, new.packetsReceived)
        add(packetsOut, old.packetsSent, new.packetsSent)
        add(droppedUnknownSource, old.droppedUnknownSource, new.droppedUnknownSource)
        add(droppedMalformed, old.droppedMalformed, new.droppedMalformed)
        add(droppedOtherProtocol, old.droppedOtherProtocol, new.droppedOtherProtocol)
        add(droppedUnwritable, old.droppedUnwritable, new.droppedUnwritable)
        legs.increment(by: Double(new.legs - old.legs))
        rooms.increment(by: Double(new.rooms - old.rooms))
    }
}

extension MediaEngineStatistics {
    /// Adds another engine's counters (the shards of one node).
    mutating func add(_ other: MediaEngineStatistics) {
        legs += other.legs
        rooms += other.rooms
        ticks = max(ticks, other.ticks)
        lateTicks += other.lateTicks
        skippedTicks += other.skippedTicks
        packetsReceived += other.packetsReceived
        packetsSent += other.packetsSent
        droppedUnknownSource += other.droppedUnknownSource
        droppedMalformed += other.droppedMalformed
        droppedOtherProtocol += other.droppedOtherProtocol
        droppedUnwritable += other.droppedUnwritable
        latches += other.latches
    }
}
