import ParleyRTP

extension MediaEngine {
    /// Tuning of one media engine. The defaults are the issue's: 30 s RTP timeout, 5 s
    /// latching window, RTCP every 5 s.
    public struct Configuration: Sendable, Hashable {
        /// No RTP for this long (not on hold) ends the call through `onTimeout`.
        public var rtpTimeout: Duration
        /// How long after a leg is created (or its address re-signalled) a new source
        /// address may take over its stream without matching SSRC and sequence.
        public var latchWindow: Duration
        /// Interval between RTCP sender reports on each leg.
        public var rtcpInterval: Duration
        /// Per-leg adaptive jitter buffer.
        public var jitterBuffer: JitterBuffer.Configuration
        /// Datagrams read per `recvmmsg` (`ChannelOptions.datagramVectorReadMessageCount`).
        public var vectorReadMessageCount: Int
        /// `SO_RCVBUF`/`SO_SNDBUF` asked of the kernel (it may cap them).
        public var socketBufferBytes: Int
        /// Gain on room audio while a prompt plays over it, in Q15 (default one half, -6 dB).
        public var roomGainUnderPrompt: Int32
        /// RTCP SDES CNAME of the engine's streams.
        public var canonicalName: String
        /// The address put in SDP answers (a public or NAT-forwarded address); nil uses the
        /// bound address.
        public var advertisedAddress: String?
        /// A directory of replacement prompt WAV files (same names as the bundled ones);
        /// missing files fall back to the bundled prompts. Used when `start` is not given a
        /// ``PromptLibrary``.
        public var promptDirectory: String?
        /// Per-call ports for PBXs that expect them (`media.port_range`): each call gets its
        /// own RTP (even) and RTCP (odd) port from this range; nil uses the one shared port.
        public var perCallPorts: ClosedRange<Int>?
        /// The short-term password of STUN Binding requests that carry a USERNAME
        /// (`media.stun.password`); nil answers them 401. See ``STUNResponder``.
        public var stunPassword: String?
        /// DSCP of every packet the engine sends (`dscp.audio`, 46 = EF); 0 leaves them unmarked.
        public var dscp: Int
        /// Whether the shared port answers network-test probes (`nettest.enabled`).
        public var answersNetTest: Bool

        public init(
            rtpTimeout: Duration = .seconds(30),
            latchWindow: Duration = .seconds(5),
            rtcpInterval: Duration = .seconds(5),
            jitterBuffer: JitterBuffer.Configuration = JitterBuffer.Configuration(),
            vectorReadMessageCount: Int = 32,
            socketBufferBytes: Int = 4 * 1024 * 1024,
            roomGainUnderPrompt: Int32 = 16384,
            canonicalName: String = "parley",
            advertisedAddress: String? = nil,
            promptDirectory: String? = nil,
            perCallPorts: ClosedRange<Int>? = nil,
            stunPassword: String? = nil,
            dscp: Int = 46,
            answersNetTest: Bool = true
        ) {
            self.rtpTimeout = rtpTimeout
            self.latchWindow = latchWindow
            self.rtcpInterval = rtcpInterval
            self.jitterBuffer = jitterBuffer
            self.vectorReadMessageCount = max(1, vectorReadMessageCount)
            self.socketBufferBytes = max(64 * 1024, socketBufferBytes)
            self.roomGainUnderPrompt = min(max(0, roomGainUnderPrompt), 32768)
            self.canonicalName = canonicalName
            self.advertisedAddress = advertisedAddress
            self.promptDirectory = promptDirectory
            self.perCallPorts = perCallPorts
            self.stunPassword = stunPassword
            self.dscp = min(max(0, dscp), 63)
            self.answersNetTest = answersNetTest
        }
    }
}

extension Duration {
    /// Whole nanoseconds, saturating at zero.
    var mediaNanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        let total = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        return UInt64(max(0, total))
    }
}
