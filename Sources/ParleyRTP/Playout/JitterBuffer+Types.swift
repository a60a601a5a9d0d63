extension JitterBuffer {
    /// Tuning; the defaults suit 20 ms frames at an 8 kHz RTP clock.
    public struct Configuration: Hashable, Sendable {
        /// RTP timestamp units per frame.
        public var frameTicks: Int
        public var minimumDelayFrames: Int
        /// Delay assumed before any jitter has been measured.
        public var initialDelayFrames: Int
        /// Upper bound on the target delay (10 × 20 ms = 200 ms).
        public var maximumDelayFrames: Int
        /// Largest payload stored; larger packets are rejected and counted.
        public var maximumPayloadBytes: Int
        /// Ticks between two steps of shrinking the delay.
        public var shrinkIntervalFrames: Int
        /// Missing frames with an empty buffer before the leg counts as silent.
        public var idleAfterFrames: Int

        public init(
            frameTicks: Int = 160,
            minimumDelayFrames: Int = 1,
            initialDelayFrames: Int = 2,
            maximumDelayFrames: Int = 10,
            maximumPayloadBytes: Int = 320,
            shrinkIntervalFrames: Int = 50,
            idleAfterFrames: Int = 3
        ) {
            self.frameTicks = max(1, frameTicks)
            self.maximumDelayFrames = min(max(1, maximumDelayFrames), JitterBuffer.slotCount - 2)
            self.minimumDelayFrames = min(max(1, minimumDelayFrames), self.maximumDelayFrames)
            self.initialDelayFrames = min(max(self.minimumDelayFrames, initialDelayFrames), self.maximumDelayFrames)
            self.maximumPayloadBytes = max(1, maximumPayloadBytes)
            self.shrinkIntervalFrames = max(1, shrinkIntervalFrames)
            self.idleAfterFrames = max(1, idleAfterFrames)
        }
    }

    /// A packet ready to decode. Its payload stays readable with ``withPayload(of:_:)``
    /// until the next insert.
    public struct Frame: Hashable, Sendable {
        public var sequenceNumber: UInt16
        public var timestamp: UInt32
        public var payloadType: UInt8
        public var marker: Bool
        public var payloadLength: Int
        var slot: Int
    }

    /// Why a frame must be concealed.
    public enum Gap: Hashable, Sendable {
        /// The frame is missing but later ones are here.
        case lost
        /// Nothing is buffered: the packets are late or stopped.
        case underrun
        /// The buffer is growing its delay by one frame.
        case stretch
    }

    /// What to play this tick.
    public enum Output: Hashable, Sendable {
        case frame(Frame)
        case concealment(Gap)
        /// No audio: not started, building up the initial delay, or idle.
        case silence
    }

    /// What happened to an inserted packet.
    public enum InsertResult: Hashable, Sendable {
        case accepted
        /// Accepted after a timestamp discontinuity flushed the buffer.
        case resynchronized
        case duplicate
        /// Its frame was already played (or concealed).
        case late
        /// Payload larger than `maximumPayloadBytes`.
        case tooLarge
    }

    /// Counters for the roster, metrics and call records.
    public struct Statistics: Hashable, Sendable {
        public var received = 0
        public var duplicates = 0
        public var late = 0
        /// Frames concealed because they were missing while later frames were buffered.
        public var lost = 0
        /// Times the buffer ran dry while playing.
        public var underruns = 0
        /// Frames concealed to grow the delay.
        public var stretched = 0
        /// Frames discarded to shrink the delay or because they arrived too far ahead.
        public var dropped = 0
        public var tooLarge = 0
        public var resynchronizations = 0
        public var talkspurts = 0
    }
}
