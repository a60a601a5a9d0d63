/// Symmetric RTP latching for one leg, as a pure value (issue "Dial-in audio conferencing",
/// "Media"): send media to where the caller's media comes from, so callers behind NAT are
/// heard and hear us, without letting a third party take the stream over.
///
/// A packet from the leg's current source is always accepted. A packet from a *new* source
/// address moves the leg there ("latches") only
/// - within `window` after the leg was created or its address was re-signalled, or
/// - when it carries the SSRC the leg already receives and its sequence number continues
///   the stream (a NAT rebinding mid-call: same sender, new outside port).
///
/// Everything else from a new address is rejected: an off-path attacker knows neither the
/// SSRC nor the sequence, and after the window nothing else moves the stream.
///
/// Time is an input in nanoseconds of a monotonic clock.
struct MediaSourceLatch: Hashable, Sendable {
    enum Verdict: Hashable, Sendable {
        /// From the current source.
        case accept
        /// From a new source that may take over: send to it from now on.
        case latch
        /// From a new source that may not.
        case reject
    }

    /// How long after opening any new source may latch (nanoseconds).
    let window: UInt64
    /// How far ahead a sequence number may jump and still "continue" the stream.
    let maximumSequenceGap: UInt16

    private(set) var openedAt: UInt64
    /// The SSRC and highest sequence number seen from the accepted source.
    private(set) var ssrc: UInt32?
    private(set) var lastSequence: UInt16 = 0
    /// Whether any packet was accepted since the window opened.
    private(set) var hasSource = false

    init(window: UInt64, now: UInt64, maximumSequenceGap: UInt16 = 50) {
        self.window = window
        self.openedAt = now
        self.maximumSequenceGap = max(1, maximumSequenceGap)
    }

    /// Whether a new source may still latch regardless of SSRC.
    func isOpen(now: UInt64) -> Bool {
        now &- openedAt < window
    }

    /// Restarts the window (the address was re-signalled in a re-INVITE).
    mutating func reopen(now: UInt64) {
        openedAt = now
        hasSource = false
    }

    /// Judges a packet. `fromCurrentSource` is whether it came from the address the leg
    /// receives from now.
    mutating func evaluate(fromCurrentSource: Bool, ssrc: UInt32, sequence: UInt16, now: UInt64) -> Verdict {
        if fromCurrentSource {
            record(ssrc: ssrc, sequence: sequence)
            return .accept
        }
        if isOpen(now: now) || continuesStream(ssrc: ssrc, sequence: sequence) {
            self.ssrc = ssrc
            lastSequence = sequence
            hasSource = true
            return .latch
        }
        return .reject
    }

    /// Whether `sequence` from `ssrc` continues the accepted stream.
    func continuesStream(ssrc: UInt32, sequence: UInt16) -> Bool {
        guard let current = self.ssrc, current == ssrc else { return false }
        let step = sequence &- lastSequence
        return step >= 1 && step <= maximumSequenceGap
    }

    private mutating func record(ssrc: UInt32, sequence: UInt16) {
        if self.ssrc != ssrc || !hasSource {
            self.ssrc = ssrc
            lastSequence = sequence
            hasSource = true
            return
        }
        // Keep the highest sequence number (reordered packets do not move it back).
        let step = sequence &- lastSequence
        if step >= 1 && step < 0x8000 {
            lastSequence = sequence
        }
    }
}
