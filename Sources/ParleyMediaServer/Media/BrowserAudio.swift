import NIOCore
import NIOPosix
import ParleyRTP

/// Where a browser participant's audio goes: the web role's WebSocket channel.
///
/// Each tick the media loop gathers the frames of every browser leg whose outlet lives on the
/// same event loop and hands them over in one hop: ``write`` once per frame, then ``flush``
/// once per outlet, all on ``eventLoop`` (inline when that is the media loop itself). Both
/// must not block: write to the channel (dropping the frame when it is not writable, so a
/// slow browser loses old audio rather than hearing it late) and return.
public struct BrowserAudioOutlet: Sendable {
    /// The loop ``write`` and ``flush`` are called on (the WebSocket channel's).
    public let eventLoop: any EventLoop
    /// One whole frame (``framePrefix``, ``BrowserAudioFrameHeader`` and 640 bytes of L16).
    public let write: @Sendable (ByteBuffer) -> Void
    /// Sends what ``write`` took in this tick.
    public let flush: @Sendable () -> Void
    /// Bytes the media loop writes in front of every frame, so that the transport's own
    /// framing (a WebSocket binary frame header) goes out in the same buffer; empty for none.
    public let framePrefix: [UInt8]

    public init(
        eventLoop: any EventLoop, framePrefix: [UInt8] = [], write: @escaping @Sendable (ByteBuffer) -> Void,
        flush: @escaping @Sendable () -> Void
    ) {
        self.eventLoop = eventLoop
        self.framePrefix = framePrefix
        self.write = write
        self.flush = flush
    }

    /// Hands one tick's frames to their outlets: one hop per event loop, not one per frame.
    /// `sends` is emptied (its capacity kept).
    static func deliver(_ sends: inout [(BrowserAudioOutlet, ByteBuffer)]) {
        for (loop, batch) in groupedByLoop(sends, \.0.eventLoop) {
            if loop.inEventLoop {
                write(batch)
            } else {
                loop.execute { write(batch) }
            }
        }
        sends.removeAll(keepingCapacity: true)
    }

    private static func write(_ batch: [(BrowserAudioOutlet, ByteBuffer)]) {
        for (outlet, frame) in batch { outlet.write(frame) }
        for (outlet, _) in batch { outlet.flush() }
    }
}

/// The way into a browser participant's leg: the web role hands each binary WebSocket frame
/// to ``receive(_:)``; the frame is parsed and put in the leg's jitter buffer on the media
/// loop. Frames for a leg that has since closed are dropped.
public struct BrowserAudioInlet: Sendable {
    let eventLoop: any EventLoop
    let core: NIOLoopBound<MediaCore>
    let leg: NIOLoopBound<MediaLeg>

    /// Takes one frame, from any thread. On an event loop other than the media loop, the
    /// frames of one loop iteration (every socket of that loop) are gathered and cross to the
    /// media loop in one hop at the end of the iteration.
    public func receive(_ frame: ByteBuffer) {
        if eventLoop.inEventLoop {
            core.value.receiveBrowserFrame(frame, leg: leg.value)
        } else if let socketLoop = MultiThreadedEventLoopGroup.currentEventLoop {
            BrowserFrameInbox.current.add(self, frame, handOverOn: socketLoop)
        } else {
            let core = self.core
            let leg = self.leg
            eventLoop.execute { core.value.receiveBrowserFrame(frame, leg: leg.value) }
        }
    }
}

/// Frames received on one event loop (a thread of the web role's sockets) during one
/// iteration, waiting to cross to the media loop(s).
final class BrowserFrameInbox {
    /// Each thread reads and writes only its own value, so sharing the variable is safe.
    nonisolated(unsafe) private static let perThread = ThreadSpecificVariable<BrowserFrameInbox>()

    /// This thread's inbox.
    static var current: BrowserFrameInbox {
        if let inbox = perThread.currentValue { return inbox }
        let inbox = BrowserFrameInbox()
        perThread.currentValue = inbox
        return inbox
    }

    private var frames: [(BrowserAudioInlet, ByteBuffer)] = []

    /// Queues a frame; the first of an iteration schedules the hand-over, which runs after the
    /// loop has read every ready socket.
    func add(_ inlet: BrowserAudioInlet, _ frame: ByteBuffer, handOverOn loop: any EventLoop) {
        frames.append((inlet, frame))
        guard frames.count == 1 else { return }
        loop.execute { BrowserFrameInbox.current.handOver() }
    }

    private func handOver() {
        for (loop, batch) in groupedByLoop(frames, \.0.eventLoop) {
            loop.execute {
                guard let first = batch.first else { return }
                first.0.core.value.receiveBrowserFrames(batch)
            }
        }
        frames.removeAll(keepingCapacity: true)
    }
}

/// `items` split by event loop, in the order each loop first appears (a tick or a loop
/// iteration has a handful of loops at most, so a linear search is enough).
func groupedByLoop<Item>(_ items: [Item], _ loop: (Item) -> any EventLoop) -> [(any EventLoop, [Item])] {
    var groups: [(any EventLoop, [Item])] = []
    for item in items {
        let itemLoop = loop(item)
        if let index = groups.firstIndex(where: { $0.0 === itemLoop }) {
            groups[index].1.append(item)
        } else {
            groups.append((itemLoop, [item]))
        }
    }
    return groups
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

    /// The frames one web-role loop received in one iteration (each inlet's core is this one:
    /// the batch was grouped by the media loop).
    func receiveBrowserFrames(_ batch: [(BrowserAudioInlet, ByteBuffer)]) {
        batchNow = clockNow()
        for (inlet, frame) in batch {
            receiveBrowserFrame(frame, leg: inlet.leg.value)
        }
        batchNow = nil
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
        let now = batchNow ?? clockNow()
        input.withUnsafeReadableBytes { payload in
            leg.receiveFrame(
                sequenceNumber: header.sequenceNumber, timestamp: header.timestamp, marker: header.talkspurtStart,
                payload: payload, now: now, rtpNow: rtpTime(now))
        }
    }
}
