import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ParleySIP

/// The node's media spread over event loops: one ``MediaEngine`` (socket, clock, legs, rooms)
/// per shard, each on its own loop, so that one meeting's legs and mixer stay on one loop
/// (DESIGN.md) while the node uses every core. Call control sees one ``MediaControl``.
///
/// - **Ports:** shard *i* listens on `media.port + i`; with per-call ports, each shard takes
///   an equal part of the range. (A phone without RTCP multiplexing sends RTCP to its shard's
///   port + 1, the next shard's port, which drops it as from an unknown source: RTCP on the
///   shared ports is read only from phones that multiplex it, as before.)
/// - **Placement:** a meeting lives on the shard its meeting ID hashes to. A call that dials
///   the meeting directly and a browser participant are placed there from the start
///   (``prepareLeg(id:placement:)``, ``createBrowserLeg(id:placement:outlet:callbacks:)``).
/// - **Bridged callers:** a caller who came in through an access number is placed on the
///   shard with the fewest legs, before anyone knows the meeting. If that meeting lives on
///   another shard, ``addLeg(_:toRoom:)`` bridges the two: on the caller's shard a two-party
///   relay room holds the caller's leg and a relay leg; on the meeting's shard a stand-in leg
///   with the caller's ID sits in the meeting. Relay and stand-in exchange 20 ms L16 frames
///   each tick, the path browser participants use, which adds a few ticks of delay for that
///   caller only. Mute, roster and hang-up treat the pair as the caller.
public final class MediaShards: Sendable {
    public let engines: [MediaEngine]
    private let state: NIOLockedValueBox<State>
    private let logger: Logger

    struct Bridge: Sendable {
        var callerShard: Int
        var roomShard: Int
        var room: String
    }

    struct State {
        var legShard: [String: Int] = [:]
        var legCount: [Int]
        var roomShard: [String: Int] = [:]
        var bridges: [String: Bridge] = [:]
        var muted: Set<String> = []
    }

    public init(engines: [MediaEngine], logger: Logger = Logger(label: "parley.media")) {
        precondition(!engines.isEmpty, "at least one media engine")
        self.engines = engines
        self.state = NIOLockedValueBox(State(legCount: Array(repeating: 0, count: engines.count)))
        self.logger = logger
    }

    /// Starts `count` engines on the loops of `group` (shard *i* on loop *i* modulo the
    /// group's size), on `port + i`, or each on a free port when `port` is 0.
    public static func start(
        count: Int,
        address: String,
        port: Int,
        group: MultiThreadedEventLoopGroup = .singleton,
        configuration: MediaEngine.Configuration = MediaEngine.Configuration(),
        prompts: PromptLibrary? = nil,
        logger: Logger = Logger(label: "parley.media")
    ) async throws -> MediaShards {
        let library = try prompts ?? PromptLibrary.load(overridingWith: configuration.promptDirectory)
        let loops = Array(group.makeIterator())
        let ranges = Self.split(configuration.perCallPorts, into: max(1, count))
        var engines: [MediaEngine] = []
        do {
            for shard in 0..<ranges.count {
                var shardConfiguration = configuration
                shardConfiguration.perCallPorts = ranges[shard]
                // The network-test responder answers on the first port only (the one `parley nettest` is given).
                shardConfiguration.answersNetTest = configuration.answersNetTest && shard == 0
                var shardLogger = logger
                shardLogger[metadataKey: "media_shard"] = "\(shard)"
                let engine = try await MediaEngine.start(
                    address: address, port: port == 0 ? 0 : port + shard, eventLoop: loops[shard % loops.count],
                    configuration: shardConfiguration, prompts: library, logger: shardLogger)
                engines.append(engine)
            }
        } catch {
            for engine in engines { await engine.stop() }
            throw error
        }
        return MediaShards(engines: engines, logger: logger)
    }

    /// The per-call range cut into `count` parts of whole RTP/RTCP pairs (fewer parts when
    /// the range has fewer pairs than shards); `[nil, …]` without per-call ports.
    static func split(_ range: ClosedRange<Int>?, into count: Int) -> [ClosedRange<Int>?] {
        guard let range else { return Array(repeating: nil, count: count) }
        let first = range.lowerBound + range.lowerBound % 2
        let pairs = (range.upperBound - first + 1) / 2
        let parts = max(1, min(count, pairs))
        let perPart = max(1, pairs / parts)
        return (0..<parts).map { part in
            let start = first + 2 * perPart * part
            let end = part == parts - 1 ? range.upperBound : start + 2 * perPart - 1
            return start...end
        }
    }

    /// Stops every shard.
    public func stop() async {
        for engine in engines { await engine.stop() }
    }

    /// Every shard's counters added up.
    public func statistics() async -> MediaEngineStatistics {
        var total = MediaEngineStatistics()
        for engine in engines { total.add(await engine.statistics()) }
        return total
    }

    // MARK: Placement

    /// The shard of a meeting: FNV-1a of its meeting ID, so every process agrees without
    /// asking anyone.
    func shard(ofMeeting key: String) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return Int(hash % UInt64(engines.count))
    }

    /// Places a leg (once): on its meeting's shard, else on the shard with the fewest legs.
    private func place(leg id: String, meeting: String?) -> Int {
        let preferred = meeting.map { shard(ofMeeting: $0) }
        return state.withLockedValue { state in
            if let shard = state.legShard[id] { return shard }
            let shard = preferred ?? state.legCount.indices.min { state.legCount[$0] < state.legCount[$1] } ?? 0
            state.legShard[id] = shard
            state.legCount[shard] += 1
            return shard
        }
    }

    private func engine(ofLeg id: String) -> MediaEngine? {
        state.withLockedValue { $0.legShard[id] }.map { engines[$0] }
    }

    private func engine(ofRoom id: String) -> MediaEngine? {
        state.withLockedValue { $0.roomShard[id] }.map { engines[$0] }
    }

    // MARK: Bridges

    static func relayName(_ legID: String) -> String { "relay:" + legID }

    /// Joins a leg to a room on another shard (see the type's documentation). The bridge is
    /// registered before it is built, so a second join does nothing, and a hang-up or a closed
    /// meeting while it is being built takes it down once it is complete.
    private func bridge(_ legID: String, callerShard: Int, toRoom room: String, roomShard: Int) async {
        let bridge = Bridge(callerShard: callerShard, roomShard: roomShard, room: room)
        let registered = state.withLockedValue { state in
            guard state.bridges[legID] == nil else { return false }
            state.bridges[legID] = bridge
            return true
        }
        guard registered else { return }
        let caller = engines[callerShard]
        let meeting = engines[roomShard]
        let relay = Self.relayName(legID)
        let standInInlet = NIOLockedValueBox<BrowserAudioInlet?>(nil)
        var built = false
        do {
            // What the relay room gives the relay leg (the caller's voice) goes to the stand-in …
            let relayInlet = try await caller.createBrowserLeg(
                id: relay,
                outlet: BrowserAudioOutlet(
                    eventLoop: meeting.eventLoop, write: { frame in standInInlet.withLockedValue { $0 }?.receive(frame) }, flush: {}),
                events: MediaLegEvents())
            // … and what the meeting gives the stand-in goes to the relay leg, which the caller hears.
            let inlet = try await meeting.createBrowserLeg(
                id: legID, outlet: BrowserAudioOutlet(eventLoop: caller.eventLoop, write: { frame in relayInlet.receive(frame) }, flush: {}),
                events: MediaLegEvents())
            standInInlet.withLockedValue { $0 = inlet }
            try await caller.createRoom(id: relay, maximumTalkers: 2)
            let muted = state.withLockedValue { $0.muted.contains(legID) }
            await caller.addLeg(legID, toRoom: relay)
            await caller.addLeg(relay, toRoom: relay)
            if muted { await meeting.setMuted(legID: legID, true) }
            await meeting.addLeg(legID, toRoom: room)
            built = true
        } catch {
            logger.error("media bridge between shards failed", metadata: ["sip_call_id": "\(legID)", "error": "\(error)"])
        }
        // Still wanted: the leg, the meeting and this bridge are all still there.
        let wanted = state.withLockedValue { state in
            let current = built && state.legShard[legID] != nil && state.roomShard[room] != nil && state.bridges[legID] != nil
            if !current, state.bridges[legID]?.room == room { state.bridges[legID] = nil }
            return current
        }
        guard wanted else {
            await dismantle(legID, bridge)
            return
        }
        logger.debug(
            "caller bridged to a meeting on another media shard",
            metadata: ["sip_call_id": "\(legID)", "caller_shard": "\(callerShard)", "meeting_shard": "\(roomShard)"])
    }

    private func dismantle(_ legID: String, _ bridge: Bridge) async {
        let caller = engines[bridge.callerShard]
        _ = await engines[bridge.roomShard].closeLeg(id: legID)
        _ = await caller.closeLeg(id: Self.relayName(legID))
        // The caller's leg goes back to its shard's lobby.
        await caller.closeRoom(id: Self.relayName(legID))
    }
}

extension MediaShards: MediaControl {
    public var advertisedAddress: String { engines[0].advertisedAddress }
    public var advertisedPort: Int { engines[0].localPort }

    public func prepareLeg(id: String) async throws -> Int {
        try await prepareLeg(id: id, placement: nil)
    }

    public func prepareLeg(id: String, placement meeting: String?) async throws -> Int {
        let shard = place(leg: id, meeting: meeting)
        do {
            return try await engines[shard].prepareLeg(id: id)
        } catch {
            forget(leg: id)
            throw error
        }
    }

    public func createLeg(id: String, media: SDPNegotiatedMedia, callbacks: MediaLegCallbacks) async throws {
        let shard = place(leg: id, meeting: nil)
        try await engines[shard].createLeg(id: id, media: media, callbacks: callbacks)
    }

    public func createBrowserLeg(id: String, outlet: BrowserAudioOutlet, callbacks: MediaLegCallbacks) async throws -> BrowserAudioInlet {
        try await createBrowserLeg(id: id, placement: nil, outlet: outlet, callbacks: callbacks)
    }

    public func createBrowserLeg(
        id: String, placement meeting: String?, outlet: BrowserAudioOutlet, callbacks: MediaLegCallbacks
    ) async throws -> BrowserAudioInlet {
        let shard = place(leg: id, meeting: meeting)
        do {
            return try await engines[shard].createBrowserLeg(id: id, outlet: outlet, callbacks: callbacks)
        } catch {
            forget(leg: id)
            throw error
        }
    }

    public func updateLeg(id: String, media: SDPNegotiatedMedia) async {
        await engine(ofLeg: id)?.updateLeg(id: id, media: media)
    }

    public func closeLeg(id: String) async -> LegSnapshot? {
        let (shard, bridge) = state.withLockedValue { state in (Self.forget(leg: id, in: &state), state.bridges.removeValue(forKey: id)) }
        if let bridge { await dismantle(id, bridge) }
        guard let shard else { return nil }
        return await engines[shard].closeLeg(id: id)
    }

    private func forget(leg id: String) {
        state.withLockedValue { state in _ = Self.forget(leg: id, in: &state) }
    }

    /// Removes a leg's placement; returns its shard.
    private static func forget(leg id: String, in state: inout State) -> Int? {
        state.muted.remove(id)
        guard let shard = state.legShard.removeValue(forKey: id) else { return nil }
        state.legCount[shard] -= 1
        return shard
    }

    /// The meeting's members; a bridged caller's figures are those of its own leg (its
    /// network), its talking flag that of its stand-in in the meeting.
    public func roster(room: String) async -> [LegSnapshot] {
        guard let engine = engine(ofRoom: room) else { return [] }
        var members = await engine.roster(room: room)
        let bridged = state.withLockedValue { state in state.bridges.filter { $0.value.room == room } }
        guard !bridged.isEmpty else { return members }
        for index in members.indices {
            guard let bridge = bridged[members[index].legID],
                var own = await engines[bridge.callerShard].snapshot(legID: members[index].legID)
            else { continue }
            own.roomID = room
            own.isTalking = members[index].isTalking
            own.levelDBov = members[index].levelDBov
            members[index] = own
        }
        return members
    }

    public func play(legID: String, fileNames: [String]) async {
        await engine(ofLeg: legID)?.play(legID: legID, fileNames: fileNames)
    }

    public func stopPlayback(legID: String) async {
        await engine(ofLeg: legID)?.stopPlayback(legID: legID)
    }

    public func createRoom(id: String) async {
        await createRoom(id: id, placement: id)
    }

    public func createRoom(id: String, placement meeting: String) async {
        let shard = shard(ofMeeting: meeting)
        let placed = state.withLockedValue { state in
            if let existing = state.roomShard[id] { return existing }
            state.roomShard[id] = shard
            return shard
        }
        await engines[placed].createRoom(id: id)
    }

    public func closeRoom(id: String) async {
        let (shard, bridges) = state.withLockedValue { state in
            let bridges = state.bridges.filter { $0.value.room == id }
            for legID in bridges.keys { state.bridges[legID] = nil }
            return (state.roomShard.removeValue(forKey: id), bridges)
        }
        for (legID, bridge) in bridges { await dismantle(legID, bridge) }
        if let shard { await engines[shard].closeRoom(id: id) }
    }

    public func addLeg(_ legID: String, toRoom room: String) async {
        let (callerShard, roomShard, bridged) = state.withLockedValue { state in
            (state.legShard[legID], state.roomShard[room], state.bridges[legID] != nil)
        }
        guard !bridged else { return }
        guard let callerShard, let roomShard else {
            logger.warning("media request for an unknown leg or room", metadata: ["sip_call_id": "\(legID)", "room": "\(room)"])
            return
        }
        if callerShard == roomShard {
            await engines[roomShard].addLeg(legID, toRoom: room)
        } else {
            await bridge(legID, callerShard: callerShard, toRoom: room, roomShard: roomShard)
        }
    }

    public func setMuted(legID: String, _ muted: Bool) async {
        let bridge = state.withLockedValue { state in
            if muted { state.muted.insert(legID) } else { state.muted.remove(legID) }
            return state.bridges[legID]
        }
        await engine(ofLeg: legID)?.setMuted(legID: legID, muted)
        if let bridge { await engines[bridge.roomShard].setMuted(legID: legID, muted) }
    }

    public func playTone(room: String, entry: Bool) async {
        await engine(ofRoom: room)?.playTone(room: room, entry: entry)
    }
}
