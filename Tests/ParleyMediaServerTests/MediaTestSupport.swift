import NIOCore
import ParleyMediaServer
import ParleyRTP
import Synchronization

/// Collects a leg's events (called on the engine's loop) for the test to read.
final class MediaEventRecorder: Sendable {
    private struct State {
        var digits: [Character] = []
        var playbackFinished = 0
        var timeouts = 0
    }

    private let state = Mutex(State())

    var events: MediaLegEvents {
        MediaLegEvents(
            onDigit: { digit in self.state.withLock { $0.digits.append(digit) } },
            onPlaybackFinished: { self.state.withLock { $0.playbackFinished += 1 } },
            onTimeout: { self.state.withLock { $0.timeouts += 1 } }
        )
    }

    var digits: [Character] { state.withLock { $0.digits } }
    var playbackFinished: Int { state.withLock { $0.playbackFinished } }
    var timeouts: Int { state.withLock { $0.timeouts } }
}

/// Starts an engine on 127.0.0.1 with a kernel-chosen port, runs `body`, stops it.
func withMediaEngine<Result>(
    configuration: MediaEngine.Configuration = MediaEngine.Configuration(),
    prompts: PromptLibrary = .empty,
    _ body: (MediaEngine) async throws -> Result
) async throws -> Result {
    let engine = try await MediaEngine.start(address: "127.0.0.1", port: 0, configuration: configuration, prompts: prompts)
    do {
        let result = try await body(engine)
        await engine.stop()
        return result
    } catch {
        await engine.stop()
        throw error
    }
}

extension MediaEngine {
    /// A leg for an in-test phone, optionally joined to a room.
    func addPhone(
        _ phone: MediaTestPhone,
        id: String,
        room: String? = nil,
        remote: SocketAddress? = nil,
        events: MediaLegEvents = MediaLegEvents()
    ) async throws {
        try await createLeg(
            id: id,
            codec: phone.codec,
            payloadType: phone.codec.payloadType,
            telephoneEventPayloadType: phone.telephoneEventPayloadType,
            remote: try remote ?? phone.address,
            events: events
        )
        if let room {
            await addLeg(id, toRoom: room)
        }
    }
}

/// The last `seconds` of an audio stream at 16 kHz.
func tail(_ audio: [Int16], seconds: Double) -> ArraySlice<Int16> {
    audio.suffix(Int(seconds * 16_000))
}

func power(_ frequency: Double, _ samples: ArraySlice<Int16>) -> Double {
    MediaTestAudio.power(of: frequency, in: samples)
}
