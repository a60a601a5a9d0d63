import ParleySIP

/// What call control needs from the media engine. The engine conforms in
/// `MediaEngine+MediaControl.swift`; tests of call control can use a recording stand-in.
public protocol MediaControl: Sendable {
    /// The address and port callers send RTP to (the SDP answer's connection and m= port).
    var advertisedAddress: String { get }
    var advertisedPort: Int { get }
    /// The media port for a new call's SDP answer (its own, with per-call ports); released by
    /// ``closeLeg(id:)``. Throws when no port is free.
    func prepareLeg(id: String) async throws -> Int
    func createLeg(id: String, media: SDPNegotiatedMedia, callbacks: MediaLegCallbacks) async throws
    /// A browser participant's leg: audio frames to `outlet`, frames from the browser into
    /// the returned inlet (docs/web-protocol.md).
    func createBrowserLeg(id: String, outlet: BrowserAudioOutlet, callbacks: MediaLegCallbacks) async throws -> BrowserAudioInlet
    func updateLeg(id: String, media: SDPNegotiatedMedia) async
    /// Removes a leg and returns its final state (nil for an unknown leg).
    func closeLeg(id: String) async -> LegSnapshot?
    /// The members of a room with their live media figures.
    func roster(room: String) async -> [LegSnapshot]
    func play(legID: String, fileNames: [String]) async
    func stopPlayback(legID: String) async
    func createRoom(id: String) async
    func closeRoom(id: String) async
    func addLeg(_ legID: String, toRoom room: String) async
    func setMuted(legID: String, _ muted: Bool) async
    /// Entry (rising) or exit (falling) tone to every member of a room.
    func playTone(room: String, entry: Bool) async

    // Placement on a node whose media is spread over event loops (``MediaShards``): the
    // meeting ID a call dialled, a browser participant joins or a room is for.
    func prepareLeg(id: String, placement meetingID: String?) async throws -> Int
    func createBrowserLeg(id: String, placement meetingID: String?, outlet: BrowserAudioOutlet, callbacks: MediaLegCallbacks) async throws
        -> BrowserAudioInlet
    func createRoom(id: String, placement meetingID: String) async
}

extension MediaControl {
    /// Media on one event loop has nowhere else to place anything.
    public func prepareLeg(id: String, placement meetingID: String?) async throws -> Int {
        try await prepareLeg(id: id)
    }

    public func createBrowserLeg(
        id: String, placement meetingID: String?, outlet: BrowserAudioOutlet, callbacks: MediaLegCallbacks
    ) async throws -> BrowserAudioInlet {
        try await createBrowserLeg(id: id, outlet: outlet, callbacks: callbacks)
    }

    public func createRoom(id: String, placement meetingID: String) async {
        await createRoom(id: id)
    }

    /// Media without browser support (a recording stand-in in tests) refuses browser legs.
    public func createBrowserLeg(id: String, outlet: BrowserAudioOutlet, callbacks: MediaLegCallbacks) async throws -> BrowserAudioInlet {
        throw MediaEngineError(.unsupportedCodec, "L16 browser legs")
    }
}

/// Events of one media leg, delivered off the media loop to call control.
public struct MediaLegCallbacks: Sendable {
    public var onDigit: @Sendable (Character) -> Void
    public var onPlaybackFinished: @Sendable () -> Void
    public var onTimeout: @Sendable () -> Void

    public init(
        onDigit: @escaping @Sendable (Character) -> Void,
        onPlaybackFinished: @escaping @Sendable () -> Void,
        onTimeout: @escaping @Sendable () -> Void
    ) {
        self.onDigit = onDigit
        self.onPlaybackFinished = onPlaybackFinished
        self.onTimeout = onTimeout
    }
}
