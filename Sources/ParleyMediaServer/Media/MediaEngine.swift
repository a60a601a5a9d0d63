import Foundation
import Logging
import NIOCore
import NIOPosix
import ParleyRTP

/// The node's media engine: one UDP socket, the RTP legs that share it, the conference
/// rooms that mix them, and the IVR prompts.
///
/// All media state lives on one event loop (``eventLoop``) in a loop-confined core; these
/// methods hop onto the loop, so they are safe to call from any task. The media path itself
/// (datagram in, 20 ms tick, datagrams out) never leaves the loop and never waits on a lock.
///
/// ## Call control's part
/// ```swift
/// let engine = try await MediaEngine.start(address: "0.0.0.0", port: 5004, eventLoop: loop, logger: logger)
/// // INVITE answered and ACKed: a leg in the IVR lobby
/// try await engine.createLeg(id: callID, media: negotiated, callbacks: callbacks)
/// await engine.play(legID: callID, fileNames: ["welcome"])   // onDigit, onPlaybackFinished follow
/// // meeting found: into its room, with a tone for everyone
/// await engine.createRoom(id: meetingID)                     // idempotent
/// await engine.addLeg(callID, toRoom: meetingID)
/// await engine.playTone(room: meetingID, .entry)
/// // re-INVITE (hold, unhold, new address or codec)
/// await engine.updateLeg(id: callID, media: renegotiated)
/// // BYE
/// let finalStatistics = await engine.closeLeg(id: callID)
/// ```
public final class MediaEngine: Sendable {
    /// The loop that owns every leg and room of this engine.
    public let eventLoop: any EventLoop
    /// The UDP port actually bound (useful when started with port 0).
    public let localPort: Int
    /// The address actually bound.
    public let localAddress: SocketAddress
    /// The address callers are told to send RTP to (SDP `c=`): the configured
    /// ``Configuration/advertisedAddress``, else the bound address (127.0.0.1 when bound
    /// to a wildcard, with a warning: configure it for real callers).
    public let advertisedAddress: String
    /// The per-call port range, when calls get their own ports (``Configuration/perCallPorts``).
    public let perCallPorts: ClosedRange<Int>?
    /// DSCP of the packets the engine sends (0: unmarked).
    public let dscp: Int
    private let channel: any Channel
    private let core: NIOLoopBound<MediaCore>
    let logger: Logger

    private init(
        eventLoop: any EventLoop, channel: any Channel, core: NIOLoopBound<MediaCore>,
        localAddress: SocketAddress, advertisedAddress: String, perCallPorts: ClosedRange<Int>?, dscp: Int, logger: Logger
    ) {
        self.dscp = dscp
        self.eventLoop = eventLoop
        self.channel = channel
        self.core = core
        self.perCallPorts = perCallPorts
        self.localAddress = localAddress
        self.localPort = localAddress.port ?? 0
        self.advertisedAddress = advertisedAddress
        self.logger = logger
    }

    /// Binds the media socket and starts the 20 ms clock.
    ///
    /// - Parameters:
    ///   - address: local address to bind (`0.0.0.0` for all IPv4 interfaces).
    ///   - port: UDP port; 0 picks a free one (see ``localPort``).
    ///   - eventLoop: a NIOPosix event loop (default: one of the shared singleton group's);
    ///     every leg and room of this engine lives on it.
    ///   - prompts: the prompt library; nil loads the bundled prompts with replacements from
    ///     `configuration.promptDirectory`.
    public static func start(
        address: String,
        port: Int,
        eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next(),
        configuration: Configuration = Configuration(),
        prompts: PromptLibrary? = nil,
        logger: Logger = Logger(label: "parley.media")
    ) async throws -> MediaEngine {
        let library = try prompts ?? PromptLibrary.load(overridingWith: configuration.promptDirectory)
        let batch = configuration.vectorReadMessageCount
        let bufferBytes = SocketOptionValue(clamping: configuration.socketBufferBytes)
        let channel = try await PacketMarking.mark(DatagramBootstrap(group: eventLoop), dscp: configuration.dscp, host: address)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.socketOption(.so_rcvbuf), value: bufferBytes)
            .channelOption(.socketOption(.so_sndbuf), value: bufferBytes)
            .channelOption(.datagramVectorReadMessageCount, value: batch)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: batch * 2048))
            .channelOption(.maxMessagesPerRead, value: 8)
            .bind(host: address, port: port)
            .get()
        let wallClock = Duration.nanoseconds(Int64(Date().timeIntervalSince1970 * 1e9))
        let loop = channel.eventLoop
        do {
            let core = try await loop.submit { () throws -> NIOLoopBound<MediaCore> in
                let core = MediaCore(
                    eventLoop: loop,
                    configuration: configuration,
                    prompts: library,
                    logger: logger,
                    wallClock: wallClock
                )
                let stun = STUNResponder(password: configuration.stunPassword, logger: logger)
                try channel.pipeline.syncOperations.addHandler(MediaChannelHandler(core: core, stun: stun))
                core.startClock()
                return NIOLoopBound(core, eventLoop: loop)
            }.get()
            guard let local = channel.localAddress else {
                throw MediaEngineError(.stopped, "media socket has no local address")
            }
            var advertised = configuration.advertisedAddress ?? local.ipAddress ?? address
            if configuration.advertisedAddress == nil, advertised == "0.0.0.0" || advertised == "::" {
                logger.warning("media engine bound to a wildcard address without an advertised address; advertising 127.0.0.1")
                advertised = "127.0.0.1"
            }
            logger.info(
                "media engine listening",
                metadata: ["address": "\(local)", "advertised": "\(advertised)", "prompts": "\(library.count)"]
            )
            return MediaEngine(
                eventLoop: loop, channel: channel, core: core, localAddress: local, advertisedAddress: advertised,
                perCallPorts: configuration.perCallPorts, dscp: configuration.dscp, logger: logger
            )
        } catch {
            try? await channel.close()
            throw error
        }
    }

    /// Stops the clock, forgets every leg and room (no events fire) and closes the socket.
    /// Call it before dropping the engine: the running clock keeps the loop-side state alive.
    public func stop() async {
        let core = self.core
        try? await eventLoop.submit { core.value.stop() }.get()
        try? await channel.close()
    }

    /// Runs `body` on the loop with the core.
    private func onLoop<Result: Sendable>(_ body: @escaping @Sendable (MediaCore) throws -> Result) async throws -> Result {
        let core = self.core
        return try await eventLoop.submit { try body(core.value) }.get()
    }

    /// Runs `body` on the loop; a failure (an unknown leg or room: a bug in the caller) is
    /// logged, not thrown, so call control never loses a call over it.
    private func perform(_ operation: String, _ body: @escaping @Sendable (MediaCore) throws -> Void) async {
        do {
            try await onLoop(body)
        } catch {
            logger.warning("media request failed", metadata: ["operation": "\(operation)", "error": "\(error)"])
        }
    }

    // MARK: Legs

    /// The port a new call's SDP answer names: the shared port, or, with per-call ports, a
    /// fresh RTP/RTCP pair from the range, bound now so the caller's first packets find it.
    /// The pair belongs to leg `id` until ``closeLeg(id:)`` (also for a call that never got
    /// its leg). Throws `noFreePort` when the range is exhausted.
    public func prepareLeg(id: String) async throws -> Int {
        guard let range = perCallPorts else { return localPort }
        let address = localAddress.ipAddress ?? "0.0.0.0"
        for _ in 0..<8 {
            let port: Int? = try await onLoop { $0.portPool?.allocate() }
            guard let port else { break }
            do {
                let rtp = try await bindLegSocket(address: address, port: port, legID: id)
                let rtcp: any Channel
                do {
                    rtcp = try await bindLegSocket(address: address, port: port + 1, legID: id)
                } catch {
                    try? await rtp.close()
                    throw error
                }
                try await onLoop { core in
                    let sockets = MediaLegSockets(
                        port: port, rtp: try rtp.pipeline.syncOperations.handler(type: MediaLegSocketHandler.self),
                        rtcp: try rtcp.pipeline.syncOperations.handler(type: MediaLegSocketHandler.self))
                    guard !core.isStopped else {
                        sockets.close()
                        throw MediaEngineError(.stopped, id)
                    }
                    core.releaseSockets(of: id)
                    core.legSockets[id] = sockets
                    core.legs[id]?.sockets = sockets
                }
                return port
            } catch let error as MediaEngineError {
                throw error
            } catch {
                // Taken by another program: skip it (it returns to the pool for a later try).
                _ = try? await onLoop { $0.portPool?.release(port) }
                logger.notice("per-call media port not available", metadata: ["port": "\(port)", "error": "\(error)"])
            }
        }
        throw MediaEngineError(.noFreePort, "no free RTP/RTCP pair in \(range.lowerBound)-\(range.upperBound)")
    }

    private func bindLegSocket(address: String, port: Int, legID: String) async throws -> any Channel {
        let core = self.core
        return try await PacketMarking.mark(DatagramBootstrap(group: eventLoop), dscp: dscp, host: address)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(MediaLegSocketHandler(core: core.value, legID: legID))
                }
            }
            .bind(host: address, port: port)
            .get()
    }

    /// A new leg in the IVR lobby: it hears prompts (or silence) until it joins a room.
    /// `id` is by convention the SIP Call-ID (logs carry it as `sip_call_id`). Throws
    /// `legExists` for a duplicate id, `stopped` after ``stop()``.
    public func createLeg(id: String, parameters: MediaLegParameters, events: MediaLegEvents) async throws {
        try await onLoop { try $0.createLeg(id: id, parameters: parameters, events: events) }
    }

    /// A new sending and receiving leg (see ``createLeg(id:parameters:events:)``).
    public func createLeg(
        id: String,
        codec: AudioCodec,
        payloadType: UInt8,
        telephoneEventPayloadType: UInt8?,
        remote: SocketAddress?,
        events: MediaLegEvents
    ) async throws {
        let parameters = MediaLegParameters(
            codec: codec,
            payloadType: payloadType,
            telephoneEventPayloadType: telephoneEventPayloadType,
            remote: remote
        )
        try await createLeg(id: id, parameters: parameters, events: events)
    }

    /// A browser participant's leg (docs/web-protocol.md): L16 at 16 kHz in both directions,
    /// each tick's frame handed to `outlet` on the media loop, frames from the browser given
    /// to the returned inlet. In the lobby like any new leg until ``addLeg(_:toRoom:)``.
    public func createBrowserLeg(id: String, outlet: BrowserAudioOutlet, events: MediaLegEvents) async throws -> BrowserAudioInlet {
        let core = self.core
        let loop = eventLoop
        return try await eventLoop.submit { () throws -> BrowserAudioInlet in
            let leg = try core.value.createBrowserLeg(id: id, outlet: outlet, events: events)
            return BrowserAudioInlet(eventLoop: loop, core: core, leg: NIOLoopBound(leg, eventLoop: loop))
        }.get()
    }

    /// New negotiated media (re-INVITE): hold (`sends == false`: nothing is sent, the RTP
    /// timeout pauses), unhold, a new address (re-latched for a window) or a new codec.
    public func updateLeg(id: String, parameters: MediaLegParameters) async throws {
        try await onLoop { try $0.updateLeg(id: id, parameters: parameters) }
    }

    /// Removes a leg (from its room too). Unknown ids are ignored.
    public func removeLeg(id: String) async {
        _ = await closeLeg(id: id)
    }

    /// Removes a leg and returns its final statistics for the attendance record (nil for
    /// an unknown leg).
    public func closeLeg(id: String) async -> LegSnapshot? {
        (try? await onLoop { $0.removeLeg(id: id) }) ?? nil
    }

    /// One leg's current state, or nil for an unknown leg.
    public func snapshot(legID: String) async -> LegSnapshot? {
        (try? await onLoop { core in core.legs[legID]?.snapshot() }) ?? nil
    }

    // MARK: Rooms

    /// A conference room mixing the 3 loudest members. An existing room is left as it is.
    public func createRoom(id: String) async {
        await perform("createRoom") { core in
            guard core.rooms[id] == nil else { return }
            try core.createRoom(id: id)
        }
    }

    /// A conference room mixing the `maximumTalkers` loudest members. Throws `roomExists`.
    public func createRoom(id: String, maximumTalkers: Int) async throws {
        try await onLoop { try $0.createRoom(id: id, maximumTalkers: maximumTalkers) }
    }

    /// Moves a lobby leg into a room (nothing happens when it is already there; a leg in
    /// another room must leave it first).
    public func addLeg(_ legID: String, toRoom roomID: String) async {
        await perform("addLeg") { try $0.addLeg(legID, toRoom: roomID) }
    }

    /// Moves a leg from a room back to the lobby, where it hears only prompts.
    public func removeLeg(_ legID: String, fromRoom roomID: String) async {
        await perform("removeLegFromRoom") { try $0.removeLeg(legID, fromRoom: roomID) }
    }

    /// Mutes or unmutes a leg: a muted leg is heard by nobody (its level is still measured).
    /// Kept across joining and leaving rooms.
    public func setMuted(legID: String, _ muted: Bool) async {
        await perform("setMuted") { try $0.setMuted(legID: legID, muted) }
    }

    /// Closes a room; its members stay connected, in the lobby.
    public func closeRoom(id: String) async {
        await perform("closeRoom") { $0.closeRoom(id: id) }
    }

    /// The room's members as the roster shows them; empty for an unknown room.
    public func roster(room roomID: String) async -> [LegSnapshot] {
        (try? await onLoop { $0.roster(room: roomID) }) ?? []
    }

    // MARK: Prompts and tones

    /// Queues prompt files (names without `.wav`) after what the leg is already hearing.
    ///
    /// In the lobby the leg hears only the prompts. In a room it hears them at full level
    /// *over* the room, which continues underneath at -6 dB (``Configuration/roomGainUnderPrompt``),
    /// so a "you are muted" never hides what is being said; nobody else hears them.
    /// `onPlaybackFinished` fires once the queue has run out (at the next tick when there
    /// was nothing to play). Names missing from the library are skipped and logged.
    public func play(legID: String, fileNames: [String]) async {
        await perform("play") { try $0.play(legID: legID, fileNames: fileNames) }
    }

    /// Queues spoken utterances of the IVR (prompts and numbers).
    public func play(legID: String, utterances: [IVRUtterance]) async {
        await play(legID: legID, fileNames: utterances.flatMap(\.fileNames))
    }

    /// Drops the leg's queued prompts at once (barge-in). `onPlaybackFinished` does not fire.
    public func stopPlayback(legID: String) async {
        await perform("stopPlayback") { $0.stopPlayback(legID: legID) }
    }

    /// Plays the entry or exit tone to every member of a room, over the mix.
    public func playTone(room roomID: String, _ tone: RoomTone) async {
        await perform("playTone") { try $0.playTone(room: roomID, tone) }
    }

    // MARK: Observation

    /// Engine-wide counters (ticks, late ticks, packets, drops).
    public func statistics() async -> MediaEngineStatistics {
        (try? await onLoop { $0.statistics() }) ?? MediaEngineStatistics()
    }
}
