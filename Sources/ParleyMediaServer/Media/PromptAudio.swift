import ParleyRTP

/// One prompt's audio, ready for the mixer: 16-bit samples at 16 kHz.
public struct PromptAudio: Sendable, Hashable {
    /// The file name without `.wav` (`enter_meeting_id`, `number_7`).
    public let name: String
    /// Samples at 16 kHz.
    public let samples: [Int16]

    public init(name: String, samples16kHz: [Int16]) {
        self.name = name
        self.samples = samples16kHz
    }

    /// Length in milliseconds.
    public var durationMilliseconds: Int { samples.count / 16 }

    /// Largest WAV file accepted (about 10 minutes of 8 kHz audio).
    static let maximumFileBytes = 10 * 1024 * 1024

    /// Decodes a RIFF/WAVE file of 8 kHz 16-bit mono PCM and resamples it to 16 kHz.
    ///
    /// Chunks are walked by their sizes (word-aligned, unknown chunks such as `LIST` skipped),
    /// `WAVE_FORMAT_EXTENSIBLE` with a PCM subformat is accepted, and a `data` size that runs
    /// past the end of the file (streaming writers) is clamped to what is there. Anything
    /// else — another rate, stereo, 8-bit, compressed, a truncated header — is rejected
    /// with a ``PromptError`` naming the problem.
    public static func decodeWAV(_ bytes: [UInt8], name: String) throws(PromptError) -> PromptAudio {
        guard bytes.count <= maximumFileBytes else {
            throw PromptError(.tooLarge, file: name, detail: "\(bytes.count) bytes")
        }
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        func tag(_ at: Int) -> String { String(decoding: bytes[at..<(at + 4)], as: UTF8.self) }

        guard bytes.count >= 12, tag(0) == "RIFF", tag(8) == "WAVE" else {
            throw PromptError(.malformed, file: name, detail: "not a RIFF/WAVE file")
        }
        var format: (tag: Int, channels: Int, rate: Int, bits: Int)?
        var data: Range<Int>?
        var offset = 12
        while offset + 8 <= bytes.count {
            let id = tag(offset)
            let size = u32(offset + 4)
            let body = offset + 8
            switch id {
            case "fmt ":
                guard size >= 16, body + 16 <= bytes.count else {
                    throw PromptError(.malformed, file: name, detail: "format chunk of \(size) bytes is truncated")
                }
                var formatTag = u16(body)
                if formatTag == 0xFFFE, size >= 40, body + 26 <= bytes.count {
                    // WAVE_FORMAT_EXTENSIBLE: the subformat GUID starts with the format tag.
                    formatTag = u16(body + 24)
                }
                format = (formatTag, u16(body + 2), u32(body + 4), u16(body + 14))
            case "data":
                // Streaming writers leave the size at 0 or 0xFFFFFFFF: take what is there.
                let end = size == 0 || body + size > bytes.count ? bytes.count : body + size
                data = body..<end
            default:
                break
            }
            guard size <= bytes.count else { break }
            offset = body + size + (size & 1)
        }
        guard let format else {
            throw PromptError(.malformed, file: name, detail: "no format chunk")
        }
        guard format.tag == 1, format.channels == 1, format.rate == 8000, format.bits == 16 else {
            let kind = format.tag == 1 ? "PCM" : "format \(format.tag)"
            throw PromptError(
                .unsupportedFormat,
                file: name,
                detail: "\(kind), \(format.channels) channel(s), \(format.rate) Hz, \(format.bits) bit"
            )
        }
        guard let data, data.count >= 2 else {
            throw PromptError(.empty, file: name, detail: "no audio samples")
        }
        let count = data.count / 2
        var narrow = [Int16](repeating: 0, count: count + 16)
        for index in 0..<count {
            narrow[index] = Int16(bitPattern: UInt16(u16(data.lowerBound + 2 * index)))
        }
        // The trailing zeros flush the interpolator's delay line.
        var wide = [Int16](repeating: 0, count: narrow.count * 2)
        var upsampler = HalfBandUpsampler()
        narrow.withUnsafeBufferPointer { input in
            wide.withUnsafeMutableBufferPointer { output in
                _ = upsampler.process(input, into: output)
            }
        }
        return PromptAudio(name: name, samples16kHz: wide)
    }
}
