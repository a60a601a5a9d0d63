/// The audio queued on one leg (prompts, or a room's tone): a list of clips and a read
/// position, rendered 20 ms at a time into the leg's outgoing frame.
///
/// Clips are `[Int16]` arrays shared copy-on-write with the ``PromptLibrary``: queueing
/// copies no samples, and rendering never allocates.
struct PromptQueue: Sendable {
    private var clips: [[Int16]] = []
    private var clip = 0
    private var position = 0

    init() {
        clips.reserveCapacity(8)
    }

    /// Whether audio remains to be played.
    var isPlaying: Bool { clip < clips.count }

    /// Appends clips after what is queued.
    mutating func enqueue(_ samples: [Int16]) {
        if !isPlaying {
            clips.removeAll(keepingCapacity: true)
            clip = 0
            position = 0
        }
        if !samples.isEmpty {
            clips.append(samples)
        }
    }

    /// Drops everything queued (barge-in).
    mutating func clear() {
        clips.removeAll(keepingCapacity: true)
        clip = 0
        position = 0
    }

    /// Adds the next `frame.count` samples of the queue to `frame` (Int32 accumulator, so
    /// the caller limits once). Returns true when this frame played the last queued sample.
    mutating func render(addingInto frame: UnsafeMutableBufferPointer<Int32>) -> Bool {
        guard isPlaying else { return false }
        var written = 0
        while written < frame.count, clip < clips.count {
            let samples = clips[clip]
            let start = position
            let offset = written
            let count = min(frame.count - offset, samples.count - start)
            samples.withUnsafeBufferPointer { samples in
                for index in 0..<count {
                    frame[offset + index] &+= Int32(samples[start + index])
                }
            }
            written += count
            position += count
            if position >= samples.count {
                clip += 1
                position = 0
            }
        }
        return !isPlaying
    }
}

/// The tones played to everyone in a room when someone joins or leaves.
public enum RoomTone: String, Sendable, Hashable, CaseIterable {
    /// 440 Hz gliding up to 660 Hz, 200 ms.
    case entry
    /// 660 Hz gliding down to 440 Hz, 200 ms.
    case exit

    /// The tone at 16 kHz, synthesized once.
    var samples: [Int16] {
        switch self {
        case .entry: return Self.entrySamples
        case .exit: return Self.exitSamples
        }
    }

    private static let entrySamples = glide(from: 440, to: 660)
    private static let exitSamples = glide(from: 660, to: 440)

    /// A linear frequency glide (200 ms, about -12 dBov, 10 ms linear fades), by phase
    /// accumulation with a rational sine approximation (no C library needed).
    static func glide(from start: Double, to end: Double, milliseconds: Int = 200, amplitude: Double = 8000) -> [Int16] {
        let rate = 16_000.0
        let count = milliseconds * 16
        let fade = 160
        var samples = [Int16](repeating: 0, count: count)
        var phase = 0.0  // in turns
        for index in 0..<count {
            let progress = Double(index) / Double(count)
            let frequency = start + (end - start) * progress
            phase += frequency / rate
            phase -= phase.rounded(.down)
            var gain = 1.0
            if index < fade { gain = Double(index) / Double(fade) }
            if index >= count - fade { gain = Double(count - 1 - index) / Double(fade) }
            samples[index] = Int16(amplitude * gain * sine(turns: phase))
        }
        return samples
    }

    /// sin(2π·t) for t in [0, 1), within 0.002 (Bhaskara I's approximation).
    static func sine(turns t: Double) -> Double {
        // Reduce to [0, 0.5) and a sign.
        let half = t < 0.5 ? t : t - 0.5
        let sign: Double = t < 0.5 ? 1 : -1
        let x = half * 2  // [0, 1): fraction of π
        // Bhaskara: sin(πx) ≈ 16x(1-x) / (5 - 4x(1-x)).
        let p = x * (1 - x)
        return sign * 16 * p / (5 - 4 * p)
    }
}
