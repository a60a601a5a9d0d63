import Logging
import NIOCore
import ParleyMixer
import ParleyRTP

/// All media state of one engine, confined to its event loop (DESIGN.md: "one event loop
/// owns one conference"). Public entry points reach it through ``MediaEngine``, which hops
/// onto the loop; the channel handler and the tick callback already run there. Nothing here
/// takes a lock or allocates per packet in steady state: the receive path parses in place
/// and copies payloads into the jitter buffer's slots; the tick writes every outgoing packet
/// of the tick into one reused buffer and hands slices of it to the channel in one flush.
///
/// - Receive: ``receive(_:from:)`` (MediaCore+Receive.swift).
/// - Tick: ``runTick()`` every 20 ms on deadlines (MediaCore+Tick.swift).
/// - RTCP: reports sent and read (MediaCore+RTCP.swift).
final class MediaCore {
    struct PendingSend {
        var start: Int
        var length: Int
        var address: SocketAddress?
        /// A per-call socket to send from; nil sends from the shared port.
        var socket: ChannelHandlerContext? = nil
        /// A browser participant's WebSocket writer (then there is no address).
        var outlet: BrowserAudioOutlet? = nil
    }

    let eventLoop: any EventLoop
    let configuration: MediaEngine.Configuration
    let prompts: PromptLibrary
    let logger: Logger
    let metrics = MediaMetrics()

    // Legs, rooms and the demultiplexing indexes.
    var legs: [String: MediaLeg] = [:]
    var legList: [MediaLeg] = []
    var rooms: [String: MediaRoom] = [:]
    var roomList: [MediaRoom] = []
    var addressIndex: [SocketAddress: MediaLeg] = [:]
    var ssrcIndex: [UInt32: MediaLeg] = [:]
    /// Legs that have not received media yet and are inside their latching window.
    var awaitingMedia: [MediaLeg] = []
    /// Per-call ports: the range, and the sockets of calls that have one (by leg ID, from
    /// ``MediaEngine/prepareLeg(id:)`` until the leg is removed).
    var portPool: MediaPortPool?
    var legSockets: [String: MediaLegSockets] = [:]

    // Clock.
    let monotonicStart: UInt64
    /// Wall-clock time at `monotonicStart`, for RTCP's NTP timestamps.
    let wallStart: Duration
    var schedule: MediaTickSchedule
    var scheduledTick: NIOScheduledCallback?
    /// The clock read once per batch of datagrams.
    var batchNow: UInt64?
    var isStopped = false

    // Tick scratch space, allocated once.
    var context: ChannelHandlerContext?
    var outBuffer: ByteBuffer
    var pendingSends: [PendingSend] = []
    var browserSends: [(BrowserAudioOutlet, ByteBuffer)] = []
    var accumulator = [Int32](repeating: 0, count: AudioCodec.widebandFrameSamples)
    var frame = [Int16](repeating: 0, count: AudioCodec.widebandFrameSamples)
    var toneFrame = [Int32](repeating: 0, count: AudioCodec.widebandFrameSamples)
    let limiter = SoftLimiter()
    var finishedPlayback: [MediaLeg] = []
    var timedOut: [MediaLeg] = []

    /// Answers `parley nettest` probes on the shared port (nil when turned off).
    lazy var netTest: NetTestResponder? = configuration.answersNetTest ? NetTestResponder(media: self, dscp: configuration.dscp) : nil

    var counters = MediaEngineStatistics()
    var reportedCounters = MediaEngineStatistics()

    // Derived durations.
    let latchWindow: UInt64
    let rtpTimeout: UInt64
    let reportIntervalTicks: UInt64
    static let tickPeriod: UInt64 = 20_000_000

    init(eventLoop: any EventLoop, configuration: MediaEngine.Configuration, prompts: PromptLibrary, logger: Logger, wallClock: Duration) {
        self.eventLoop = eventLoop
        self.configuration = configuration
        self.prompts = prompts
        self.logger = logger
        let now = NIODeadline.now().uptimeNanoseconds
        self.monotonicStart = now
        self.wallStart = wallClock
        self.schedule = MediaTickSchedule(start: now + Self.tickPeriod, period: Self.tickPeriod)
        self.latchWindow = configuration.latchWindow.mediaNanoseconds
        self.rtpTimeout = configuration.rtpTimeout.mediaNanoseconds
        self.reportIntervalTicks = max(1, configuration.rtcpInterval.mediaNanoseconds / Self.tickPeriod)
        self.outBuffer = ByteBufferAllocator().buffer(capacity: 64 * 1024)
        self.portPool = configuration.perCallPorts.flatMap(MediaPortPool.init)
        pendingSends.reserveCapacity(256)
        finishedPlayback.reserveCapacity(16)
        timedOut.reserveCapacity(16)
    }

    // MARK: Time

    func clockNow() -> UInt64 {
        NIODeadline.now().uptimeNanoseconds
    }

    /// `now` in RTP timestamp units (8 kHz: one unit is 125 µs) since the engine started.
    func rtpTime(_ now: UInt64) -> Int64 {
        Int64((now &- monotonicStart) / 125_000)
    }

    func ntpTime(_ now: UInt64) -> NTPTimestamp {
        NTPTimestamp(sinceUnixEpoch: wallStart + .nanoseconds(Int64(now &- monotonicStart)))
    }

    // MARK: Legs

    func createLeg(id: String, parameters: MediaLegParameters, events: MediaLegEvents) throws(MediaEngineError) {
        guard !isStopped else { throw MediaEngineError(.stopped, id) }
        guard legs[id] == nil else { throw MediaEngineError(.legExists, id) }
        let now = clockNow()
        let tick = schedule.nextTick
        var jitterBuffer = configuration.jitterBuffer
        jitterBuffer.maximumPayloadBytes = max(jitterBuffer.maximumPayloadBytes, parameters.codec.payloadBytes)
        let leg = MediaLeg(
            id: id,
            parameters: parameters,
            events: events,
            jitterBufferConfiguration: jitterBuffer,
            latchWindow: latchWindow,
            now: now,
            tick: tick,
            reportTick: tick + UInt64.random(in: min(25, reportIntervalTicks)...reportIntervalTicks),
            canonicalName: configuration.canonicalName
        )
        leg.sockets = legSockets[id]
        legs[id] = leg
        legList.append(leg)
        awaitingMedia.append(leg)
        leg.isAwaitingMedia = true
        if let remote = parameters.remote, addressIndex[remote] == nil {
            addressIndex[remote] = leg
        }
        counters.legs = legs.count
        logger.debug("media leg created", metadata: ["sip_call_id": "\(id)", "codec": "\(parameters.codec)"])
    }

    func updateLeg(id: String, parameters: MediaLegParameters) throws(MediaEngineError) {
        guard let leg = legs[id] else { throw MediaEngineError(.unknownLeg, id) }
        let now = clockNow()
        leg.update(parameters, now: now)
        if let remote = parameters.remote, remote != leg.signalledAddress {
            // Re-signalled address: send there, and let media latch anew for a window.
            unregisterAddresses(of: leg)
            leg.signalledAddress = remote
            leg.currentAddress = remote
            if addressIndex[remote] == nil {
                addressIndex[remote] = leg
            }
            leg.latch.reopen(now: now)
            if !leg.isAwaitingMedia {
                leg.isAwaitingMedia = true
                awaitingMedia.append(leg)
            }
        }
    }

    func removeLeg(id: String) -> LegSnapshot? {
        releaseSockets(of: id)
        guard let leg = legs.removeValue(forKey: id) else { return nil }
        let snapshot = leg.snapshot()
        leg.room?.remove(leg)
        unregisterAddresses(of: leg)
        if let ssrc = leg.remoteSSRC, ssrcIndex[ssrc] === leg {
            ssrcIndex[ssrc] = nil
        }
        legList.removeAll { $0 === leg }
        awaitingMedia.removeAll { $0 === leg }
        counters.legs = legs.count
        return snapshot
    }

    func unregisterAddresses(of leg: MediaLeg) {
        for address in [leg.currentAddress, leg.signalledAddress] {
            if let address, addressIndex[address] === leg {
                addressIndex[address] = nil
            }
        }
    }

    func leg(_ id: String) throws(MediaEngineError) -> MediaLeg {
        guard let leg = legs[id] else { throw MediaEngineError(.unknownLeg, id) }
        return leg
    }

    // MARK: Rooms

    func createRoom(id: String, maximumTalkers: Int = 3) throws(MediaEngineError) {
        guard !isStopped else { throw MediaEngineError(.stopped, id) }
        guard rooms[id] == nil else { throw MediaEngineError(.roomExists, id) }
        let room = MediaRoom(id: id, maximumTalkers: maximumTalkers)
        rooms[id] = room
        roomList.append(room)
        counters.rooms = rooms.count
    }

    func addLeg(_ legID: String, toRoom roomID: String) throws(MediaEngineError) {
        let leg = try leg(legID)
        guard let room = rooms[roomID] else { throw MediaEngineError(.unknownRoom, roomID) }
        if let current = leg.room {
            guard current !== room else { return }
            throw MediaEngineError(.legInAnotherRoom, legID)
        }
        room.add(leg)
    }

    func removeLeg(_ legID: String, fromRoom roomID: String) throws(MediaEngineError) {
        let leg = try leg(legID)
        guard let room = rooms[roomID] else { throw MediaEngineError(.unknownRoom, roomID) }
        guard leg.room === room else { return }
        room.remove(leg)
    }

    func setMuted(legID: String, _ muted: Bool) throws(MediaEngineError) {
        let leg = try leg(legID)
        leg.isMuted = muted
        if let room = leg.room, let participant = leg.mixerID {
            room.mixer.setMuted(muted, for: participant)
        }
    }

    func closeRoom(id: String) {
        guard let room = rooms.removeValue(forKey: id) else { return }
        _ = room.removeAll()
        roomList.removeAll { $0 === room }
        counters.rooms = rooms.count
    }

    func roster(room roomID: String) -> [LegSnapshot] {
        rooms[roomID]?.members.map { $0.snapshot() } ?? []
    }

    // MARK: Playback

    /// Queues the named prompts. Names not in the library are skipped and logged: a missing
    /// prompt must not cost the caller the call.
    func play(legID: String, fileNames: [String]) throws(MediaEngineError) {
        let leg = try leg(legID)
        for name in fileNames {
            guard let prompt = prompts.audio(named: name) else {
                logger.warning("prompt not in the library; skipped", metadata: ["prompt": "\(name)", "sip_call_id": "\(legID)"])
                continue
            }
            leg.prompts.enqueue(prompt.samples)
        }
        if !leg.prompts.isPlaying {
            // Nothing to play: report it at the next tick, as if it had played.
            leg.playbackJustFinished = true
        }
    }

    func stopPlayback(legID: String) {
        guard let leg = legs[legID] else { return }
        leg.prompts.clear()
        leg.playbackJustFinished = false
    }

    func playTone(room roomID: String, _ tone: RoomTone) throws(MediaEngineError) {
        guard let room = rooms[roomID] else { throw MediaEngineError(.unknownRoom, roomID) }
        room.tone.enqueue(tone.samples)
    }

    // MARK: Lifecycle

    /// Closes a call's own sockets and returns their port to the range.
    func releaseSockets(of legID: String) {
        guard let sockets = legSockets.removeValue(forKey: legID) else { return }
        sockets.close()
        portPool?.release(sockets.port)
    }

    func stop() {
        guard !isStopped else { return }
        isStopped = true
        for id in Array(legSockets.keys) { releaseSockets(of: id) }
        scheduledTick?.cancel()
        scheduledTick = nil
        for room in roomList {
            _ = room.removeAll()
        }
        rooms.removeAll()
        roomList.removeAll()
        legs.removeAll()
        legList.removeAll()
        awaitingMedia.removeAll()
        addressIndex.removeAll()
        ssrcIndex.removeAll()
        counters.legs = 0
        counters.rooms = 0
        metrics.report(from: reportedCounters, to: counters)
        reportedCounters = counters
    }

    func statistics() -> MediaEngineStatistics {
        var statistics = counters
        statistics.ticks = schedule.nextTick
        statistics.lateTicks = schedule.lateTicks
        statistics.skippedTicks = schedule.skippedTicks
        return statistics
    }
}
