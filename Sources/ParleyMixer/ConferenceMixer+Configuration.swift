extension ConferenceMixer {
    /// Mixer tuning. Levels are in dBov (see ``AudioLevel``).
    public struct Configuration: Hashable, Sendable {
        /// K: how many of the loudest talkers are mixed (default 3).
        public var maximumTalkers: Int
        /// A participant starts talking when the smoothed level reaches this.
        public var talkStartLevel: Float
        /// …and stops after `hangoverFrames` frames below this.
        public var talkStopLevel: Float
        /// Frames a talker stays talking below the stop level (15 × 20 ms = 300 ms), so
        /// pauses between words do not drop them from the mix.
        public var hangoverFrames: Int
        /// How fast the smoothed level falls, in dB per frame (it rises instantly).
        public var releasePerFrame: Float
        /// Bonus in dB for participants already mixed, so the selection does not flap
        /// between two talkers of similar level.
        public var selectionHysteresis: Float
        /// Knee of the output limiter.
        public var limiterThreshold: Int16
        /// Participant slots allocated up front; more are added (allocating) when needed.
        public var initialCapacity: Int

        public init(
            maximumTalkers: Int = 3,
            talkStartLevel: Float = -45,
            talkStopLevel: Float = -52,
            hangoverFrames: Int = 15,
            releasePerFrame: Float = 1.5,
            selectionHysteresis: Float = 3,
            limiterThreshold: Int16 = 24576,
            initialCapacity: Int = 16
        ) {
            self.maximumTalkers = Swift.max(1, maximumTalkers)
            self.talkStartLevel = talkStartLevel
            self.talkStopLevel = Swift.min(talkStopLevel, talkStartLevel)
            self.hangoverFrames = Swift.max(0, hangoverFrames)
            self.releasePerFrame = Swift.max(0.01, releasePerFrame)
            self.selectionHysteresis = Swift.max(0, selectionHysteresis)
            self.limiterThreshold = limiterThreshold
            self.initialCapacity = Swift.max(1, initialCapacity)
        }
    }
}
