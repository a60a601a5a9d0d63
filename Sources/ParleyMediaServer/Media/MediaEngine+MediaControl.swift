import Logging
import ParleySIP

/// Call control's view of the engine (``MediaControl``, Node/MediaControl.swift). The
/// engine's own methods of the same names already have the protocol's shapes; these add the
/// SDP-facing ones.
extension MediaEngine: MediaControl {
    public var advertisedPort: Int { localPort }

    /// A leg from the SIP service's negotiation result. Throws `unsupportedCodec` when the
    /// codec is not PCMU, PCMA or G722 (the SIP service offers only those).
    public func createLeg(id: String, media: SDPNegotiatedMedia, callbacks: MediaLegCallbacks) async throws {
        guard let parameters = MediaLegParameters(negotiated: media) else {
            throw MediaEngineError(.unsupportedCodec, media.codec.encodingName)
        }
        let events = MediaLegEvents(
            onDigit: callbacks.onDigit,
            onPlaybackFinished: callbacks.onPlaybackFinished,
            onTimeout: callbacks.onTimeout
        )
        try await createLeg(id: id, parameters: parameters, events: events)
    }

    /// A re-INVITE's new media (hold, unhold, address, codec). Failures are logged.
    public func updateLeg(id: String, media: SDPNegotiatedMedia) async {
        guard let parameters = MediaLegParameters(negotiated: media) else {
            logger.warning("re-INVITE with a codec the engine lacks; media unchanged", metadata: ["codec": "\(media.codec)"])
            return
        }
        do {
            try await updateLeg(id: id, parameters: parameters)
        } catch {
            logger.warning("media update failed", metadata: ["error": "\(error)"])
        }
    }

    public func createBrowserLeg(id: String, outlet: BrowserAudioOutlet, callbacks: MediaLegCallbacks) async throws -> BrowserAudioInlet {
        let events = MediaLegEvents(
            onDigit: callbacks.onDigit,
            onPlaybackFinished: callbacks.onPlaybackFinished,
            onTimeout: callbacks.onTimeout
        )
        return try await createBrowserLeg(id: id, outlet: outlet, events: events)
    }

    public func playTone(room: String, entry: Bool) async {
        await playTone(room: room, entry ? .entry : .exit)
    }
}
