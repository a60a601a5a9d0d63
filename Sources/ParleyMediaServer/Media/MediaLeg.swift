import NIOCore
import ParleyMixer
import ParleyRTP

/// One caller's media state. Confined to the engine's event loop: created, mutated and
/// read only there, by ``MediaCore``.
///
/// Everything the per-packet and per-tick paths touch is allocated here, at creation or on
/// a codec change: jitter buffer slots, decoder and encoder state, the prompt queue.
final class MediaLeg {
    let id: String
    private(set) var parameters: MediaLegParameters
    var events: MediaLegEvents

    // Addressing and latching.
    /// Where the peer said it receives (SDP); registered in the address index until media
    /// latches elsewhere.
    var signalledAddress: SocketAddress?
    /// Where media is sent and accepted from: the latched source, else the signalled address.
    var currentAddress: SocketAddress?
    /// The call's own RTP/RTCP sockets (per-call ports); nil on the shared port.
    var sockets: MediaLegSockets?
    /// A browser participant's WebSocket writer: its frames go there, not to an address.
    var outlet: BrowserAudioOutlet?
    var latch: MediaSourceLatch
    /// In the core's list of legs waiting for their first media.
    var isAwaitingMedia = false
    /// The SSRC the receive path currently tracks (indexed by the core).
    var remoteSSRC: UInt32?

    // Receive path.
    var jitterBuffer: JitterBuffer
    var decoder: MediaDecoder
    var statistics: RTPReceiveStatistics?
    var dtmf = DTMFReceiver()
    var packetsReceived: UInt64 = 0
    /// Monotonic nanoseconds of the last accepted RTP packet (or of creation/resume).
    var lastReceivedAt: UInt64
    var timedOut = false
    var roundTrip: Duration?

    // Send path.
    var encoder: MediaEncoder
    var sender: RTPSender
    let timestampBase: UInt32
    /// The tick the RTP timestamp counts from.
    let firstTick: UInt64
    var needsMarker = true
    var nextReportTick: UInt64
    /// RTCP SDES, built once.
    let sourceDescription: RTCPPacket

    // Room membership and playback.
    var room: MediaRoom?
    var mixerID: MixerParticipantID?
    var isMuted = false
    /// Hears the room's shared mix (this tick, and until the next tick's decision): when it
    /// switches to a personal frame its encoder first catches up with the shared one.
    var hearsSharedMix = true
    var prompts = PromptQueue()
    /// Set for one tick when the queue ran out, so the event fires after the tick's sends.
    var playbackJustFinished = false

    init(
        id: String,
        parameters: MediaLegParameters,
        events: MediaLegEvents,
        jitterBufferConfiguration: JitterBuffer.Configuration,
        latchWindow: UInt64,
        now: UInt64,
        tick: UInt64,
        reportTick: UInt64,
        canonicalName: String
    ) {
        self.id = id
        self.parameters = parameters
        self.events = events
        self.signalledAddress = parameters.remote
        self.currentAddress = parameters.remote
        self.latch = MediaSourceLatch(window: latchWindow, now: now)
        self.jitterBuffer = JitterBuffer(configuration: jitterBufferConfiguration)
        self.decoder = MediaDecoder(codec: parameters.codec)
        self.encoder = MediaEncoder(codec: parameters.codec)
        let ssrc = UInt32.random(in: 1...UInt32.max)
        self.sender = RTPSender(ssrc: ssrc, initialSequenceNumber: UInt16.random(in: 0...UInt16.max))
        self.timestampBase = UInt32.random(in: 0...UInt32.max)
        self.firstTick = tick
        self.nextReportTick = reportTick
        self.lastReceivedAt = now
        self.sourceDescription = .sourceDescription(RTCPSourceDescription(ssrc: ssrc, cname: canonicalName))
    }

    /// Whether the RTP timeout may fire: we expect media and are not on hold.
    /// Browser legs are not: their WebSocket closing ends them.
    var isWatchedForTimeout: Bool { parameters.receives && parameters.sends && !timedOut && outlet == nil }

    /// The RTP timestamp of a tick: 160 per 20 ms for every codec (RFC 3551: G.722 keeps 8 kHz).
    func timestamp(at tick: UInt64) -> UInt32 {
        timestampBase &+ UInt32(truncatingIfNeeded: (tick &- firstTick) &* UInt64(AudioCodec.frameTicks))
    }

    /// Applies re-negotiated media; codec changes rebuild the codec state.
    func update(_ new: MediaLegParameters, now: UInt64) {
        let old = parameters
        parameters = new
        if new.codec != old.codec {
            decoder = MediaDecoder(codec: new.codec)
            encoder = MediaEncoder(codec: new.codec)
            jitterBuffer.reset()
            hearsSharedMix = true
        }
        if new.payloadType != old.payloadType {
            jitterBuffer.reset()
        }
        if (!old.sends && new.sends) || new.codec != old.codec {
            needsMarker = true
        }
        // Resuming (or any re-INVITE) restarts the inactivity clock.
        lastReceivedAt = now
        timedOut = false
    }

    /// A packet from a new SSRC: restart the per-source state.
    func resetReceiveState(for ssrc: UInt32) {
        remoteSSRC = ssrc
        statistics = RTPReceiveStatistics(ssrc: ssrc, minimumSequential: 0)
        jitterBuffer.reset()
        dtmf.reset()
    }

    /// Handles an accepted RTP packet; returns the digit of a new key press.
    func receive(_ packet: RTPPacket, now: UInt64, rtpNow: Int64) -> Character? {
        packetsReceived &+= 1
        lastReceivedAt = now
        timedOut = false
        let header = packet.header
        statistics?.record(
            sequenceNumber: header.sequenceNumber,
            timestamp: header.timestamp,
            arrival: UInt32(truncatingIfNeeded: rtpNow)
        )
        if let eventType = parameters.telephoneEventPayloadType, header.payloadType == eventType {
            guard let action = try? dtmf.receive(packet), let digit = action.pressedDigit else { return nil }
            return digit.character
        }
        if parameters.receives, header.payloadType == parameters.payloadType {
            jitterBuffer.insert(packet, now: rtpNow)
        }
        return nil
    }

    /// A browser participant's frame (its header already read): statistics and jitter buffer.
    func receiveFrame(sequenceNumber: UInt16, timestamp: UInt32, marker: Bool, payload: UnsafeRawBufferPointer, now: UInt64, rtpNow: Int64) {
        packetsReceived &+= 1
        lastReceivedAt = now
        statistics?.record(sequenceNumber: sequenceNumber, timestamp: timestamp, arrival: UInt32(truncatingIfNeeded: rtpNow))
        jitterBuffer.insert(
            sequenceNumber: sequenceNumber, timestamp: timestamp, payloadType: parameters.payloadType, marker: marker,
            payload: payload, now: rtpNow)
    }

    /// The roster entry.
    func snapshot() -> LegSnapshot {
        var talking = false
        var level = AudioLevel.floor
        if let room, let mixerID, let state = room.mixer.state(of: mixerID) {
            talking = state.isTalking
            level = state.level
        }
        let lost = statistics.map { max(0, Int64($0.cumulativeLost)) } ?? 0
        let jitter = statistics.map { Double($0.jitter) / Double(AudioCodec.frameTicks / 20) } ?? 0
        let rtt = roundTrip.map { duration -> Double in
            let (seconds, attoseconds) = duration.components
            return Double(seconds) * 1000 + Double(attoseconds) / 1e15
        }
        return LegSnapshot(
            legID: id,
            roomID: room?.id,
            codec: parameters.codec,
            isMuted: isMuted,
            isTalking: talking,
            levelDBov: level,
            isOnHold: parameters.isOnHold,
            packetsReceived: packetsReceived,
            packetsLost: UInt64(lost),
            jitterMilliseconds: jitter,
            roundTripMilliseconds: rtt,
            packetsSent: UInt64(sender.packetCount),
            remoteAddress: currentAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" }
        )
    }
}
