import NIOCore
import ParleyRTP

/// Where a browser participant's audio goes: the web role's WebSocket writer. Called on the
/// media loop once per 20 ms tick with one whole frame (``BrowserAudioFrameHeader`` and
/// 640 bytes of L16); it must not block (hand the buffer to the socket's writer and return).
public struct BrowserAudioOutlet: Sendable {
    public var deliver: @Sendable (ByteBuffer) -> Void

    public init(deliver: @escaping @Sendable (ByteBuffer) -> Void) {
        self.deliver = deliver
    }
}

/// The way into a browser participant's leg: the web role hands each binary WebSocket frame
/// to ``receive(_:)`` from any thread; the frame is parsed and put in the leg's jitter buffer
/// on the media loop. Frames for a leg that has since closed are dropped.
public struct BrowserAudioInlet: Sendable {
    let eventLoop: any EventLoop
    let core: NIOLoopBound<MediaCore>
    let leg: NIOLoopBound<MediaLeg>

    public func receive(_ frame: ByteBuffer) {
        let core = self.core
        let leg = self.leg
        if eventLoop.inEventLoop {
            core.value.receiveBrowserFrame(frame, leg: leg.value)
        } else {
            eventLoop.execute { core.value.receiveBrowserFrame(frame, leg: leg.value) }
        }
    }
}

extension MediaCore {
    /// A browser leg: L16 at 16 kHz, no socket address, no RTCP, no RTP timeout (the WebSocket
    /// closing is what ends it).
    func createBrowserLeg(id: String, outlet: BrowserAudioOutlet, events: MediaLegEvents) throws(MediaEngineError) -> MediaLeg {
        try createLeg(id: id, parameters: MediaLegParameters(codec: .l16, remote: nil), events: events)
        guard let leg = legs[id] else { throw MediaEngineError(.unknownLeg, id) }
        leg.outlet = outlet
        // Never a candidate for latching a UDP source.
        leg.isAwaitingMedia = false
        awaitingMedia.removeAll { $0 === leg }
        leg.resetReceiveState(for: 0)
        return leg
    }

    func receiveBrowserFrame(_ frame: ByteBuffer, leg: MediaLeg) {
        guard !isStopped, legs[leg.id] === leg else { return }
        var input = frame
        let header: BrowserAudioFrameHeader
        do {
            header = try BrowserAudioFrameHeader(parsing: &input)
        } catch {
            counters.droppedMalformed &+= 1
            return
        }
        counters.packetsReceived &+= 1
        let now = clockNow()
        input.withUnsafeReadableBytes { payload in
            leg.receiveFrame(
                sequenceNumber: header.sequenceNumber, timestamp: header.timestamp, marker: header.talkspurtStart,
                payload: payload, now: now, rtpNow: rtpTime(now))
        }
    }
}
