import ParleyRTP

/// What a load run does: where to call, how many legs in which meetings, what they send and
/// for how long. Everything is bounded: the run stops by itself after set-up, `duration` and
/// tear-down.
public struct LoadPlan: Sendable, Hashable {
    /// The node's SIP address (IPv4 literal, normally 127.0.0.1) and UDP port.
    public var host: String
    public var sipPort: Int
    /// Meeting IDs to dial; legs are spread over them in turn (`legs / meetings.count` each).
    public var meetings: [String]
    public var legs: Int
    public var codec: AudioCodec
    /// Simultaneous talkers per meeting (the rest send silence).
    public var talkersPerMeeting: Int
    /// INVITEs per second while setting up.
    public var callsPerSecond: Int
    /// The measured window, after every leg is up.
    public var duration: Duration
    /// How long set-up may take before the run goes on with the legs that are up.
    public var setupTimeout: Duration
    /// Speech to stream, 16 kHz (talkers loop it from different offsets with pauses).
    public var speech: [Int16]
    /// The server's process ID, for CPU and RSS; nil samples nothing.
    public var serverPID: Int32?
    /// The second address byte of the legs' source addresses: legs use 127.<base>.x.y.
    public var sourceNetwork: UInt8

    public init(
        host: String = "127.0.0.1", sipPort: Int = 5060, meetings: [String], legs: Int, codec: AudioCodec = .pcmu,
        talkersPerMeeting: Int = 3, callsPerSecond: Int = 100, duration: Duration = .seconds(30),
        setupTimeout: Duration = .seconds(60), speech: [Int16], serverPID: Int32? = nil, sourceNetwork: UInt8 = 77
    ) {
        self.host = host
        self.sipPort = sipPort
        self.meetings = meetings
        self.legs = legs
        self.codec = codec
        self.talkersPerMeeting = talkersPerMeeting
        self.callsPerSecond = max(1, callsPerSecond)
        self.duration = duration
        self.setupTimeout = setupTimeout
        self.speech = speech
        self.serverPID = serverPID
        self.sourceNetwork = sourceNetwork
    }

    /// The meeting of leg `index`, and its place in that meeting (0 is the latency probe,
    /// 1 the probe's listener, the first `talkersPerMeeting` talk).
    func seat(of index: Int) -> (meeting: Int, place: Int) {
        (index % meetings.count, index / meetings.count)
    }

    /// Leg `index`'s source address, 127.<network>.x.y in network byte order (y never 0 or 255).
    func sourceAddress(of index: Int) -> UInt32 {
        let x = UInt32(index / 250) & 0xFF
        let y = UInt32(index % 250) + 2
        return (UInt32(127) | UInt32(sourceNetwork) << 8 | x << 16 | y << 24)
    }
}
