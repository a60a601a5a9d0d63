import ParleyRTP
import Testing

@testable import ParleyMediaServer

@Suite("Media prompts")
struct MediaPromptTests {
    @Test("every bundled prompt loads, including every file the IVR can ask for")
    func bundledPromptsLoad() throws {
        let library = try PromptLibrary.bundled()
        var needed = Set(IVRPrompt.allCases.map(\.rawValue))
        for number in [0, 7, 13, 19, 20, 45, 99, 100, 999, 1_000, 123_456] {
            needed.formUnion(IVRUtterance.number(number).fileNames)
        }
        for name in needed.sorted() {
            let prompt = try #require(library.audio(named: name), "\(name).wav is bundled")
            #expect(prompt.durationMilliseconds > 150, "\(name) holds audio")
            #expect(MediaTestAudio.rms(prompt.samples[...]) > 300, "\(name) is not silent")
        }
        #expect(library.count >= needed.count)
    }

    @Test("a clean WAV is resampled to 16 kHz and keeps its tone")
    func decodesAndResamples() throws {
        let tone = MediaTestAudio.narrowbandTone(frequency: 1000, seconds: 0.5)
        let prompt = try PromptAudio.decodeWAV(MediaTestAudio.wav(samples: tone), name: "tone")
        #expect(prompt.name == "tone")
        try #require(abs(prompt.samples.count - 8_000) <= 64, "0.5 s at 16 kHz")
        let middle = prompt.samples[1_000..<7_000]
        #expect(MediaTestAudio.power(of: 1000, in: middle) > 10 * MediaTestAudio.power(of: 3000, in: middle) + 1e6)
    }

    static let tone = MediaTestAudio.narrowbandTone(frequency: 440, seconds: 0.1)

    /// Files that are unusual but valid.
    static let accepted: [(String, [UInt8])] = [
        ("LIST chunk of odd length before fmt", MediaTestAudio.wav(samples: tone, extraChunkBeforeFormat: true)),
        ("streaming data size 0xFFFFFFFF", MediaTestAudio.wav(samples: tone, dataSizeField: 0xFFFF_FFFF)),
        ("streaming data size 0", MediaTestAudio.wav(samples: tone, dataSizeField: 0)),
    ]

    @Test("unusual but valid WAV files are accepted", arguments: accepted.map(\.0))
    func acceptsUnusualFiles(_ name: String) throws {
        let bytes = try #require(Self.accepted.first { $0.0 == name }?.1)
        let prompt = try PromptAudio.decodeWAV(bytes, name: "x")
        #expect(abs(prompt.samples.count - 1_600) <= 64)
    }

    /// Malformed or unsupported files and the error each must give.
    static let rejected: [(String, [UInt8], PromptError.Code)] = {
        let good = MediaTestAudio.wav(samples: tone)
        var badMagic = good
        badMagic[8] = UInt8(ascii: "X")
        var noData = MediaTestAudio.wav(samples: [])
        noData.removeLast(8)  // drop the data chunk header
        return [
            ("empty file", [], .malformed),
            ("truncated header", Array(good.prefix(20)), .malformed),
            ("not WAVE", badMagic, .malformed),
            ("text file", Array("hello, this is not audio at all".utf8), .malformed),
            ("stereo", MediaTestAudio.wav(samples: tone, channels: 2), .unsupportedFormat),
            ("44.1 kHz", MediaTestAudio.wav(samples: tone, rate: 44_100), .unsupportedFormat),
            ("8-bit", MediaTestAudio.wav(samples: tone, bits: 8), .unsupportedFormat),
            ("A-law", MediaTestAudio.wav(samples: tone, formatTag: 6), .unsupportedFormat),
            ("no samples", MediaTestAudio.wav(samples: []), .empty),
            ("no data chunk", noData, .empty),
        ]
    }()

    @Test("malformed WAV files are rejected with a clear error, never a crash", arguments: rejected.map(\.0))
    func rejectsMalformedFiles(_ name: String) throws {
        let (_, bytes, code) = try #require(Self.rejected.first { $0.0 == name })
        let error = #expect(throws: PromptError.self) { try PromptAudio.decodeWAV(bytes, name: "bad") }
        #expect(error?.code == code)
        #expect(error?.description.contains("bad") == true)
        #expect(error?.description.contains("8 kHz 16-bit mono") == true)
    }

    @Test("every prefix of a valid file is handled without a crash")
    func truncationsNeverCrash() {
        let bytes = MediaTestAudio.wav(samples: Self.tone, extraChunkBeforeFormat: true)
        for length in 0..<min(bytes.count, 120) {
            _ = try? PromptAudio.decodeWAV(Array(bytes.prefix(length)), name: "prefix")
        }
    }

    @Test("a missing prompt directory is reported by path")
    func missingDirectory() {
        let error = #expect(throws: PromptError.self) { try PromptLibrary.load(overridingWith: "/nonexistent/parley-prompts") }
        #expect(error?.code == .directoryMissing)
        #expect(error?.description.contains("/nonexistent/parley-prompts") == true)
    }

    @Test("a prompt queue plays clips back to back and reports the end once")
    func queue() {
        var queue = PromptQueue()
        queue.enqueue([Int16](repeating: 100, count: 500))
        queue.enqueue([Int16](repeating: 200, count: 200))
        var frame = [Int32](repeating: 0, count: 320)
        var ends: [Bool] = []
        var heard: [Int32] = []
        for _ in 0..<4 {
            frame = [Int32](repeating: 0, count: 320)
            ends.append(frame.withUnsafeMutableBufferPointer { queue.render(addingInto: $0) })
            heard += frame
        }
        #expect(ends == [false, false, true, false])
        #expect(heard[0..<500].allSatisfy { $0 == 100 })
        #expect(heard[500..<700].allSatisfy { $0 == 200 })
        #expect(heard[700...].allSatisfy { $0 == 0 })
        queue.enqueue([1, 2, 3])
        queue.clear()
        #expect(!queue.isPlaying)
    }

    @Test("entry and exit tones glide up and down over 200 ms")
    func tones() {
        let entry = RoomTone.entry.samples
        let exit = RoomTone.exit.samples
        #expect(entry.count == 3_200 && exit.count == 3_200)
        let early = entry[160..<1_000]
        let late = entry[2_200..<3_040]
        #expect(MediaTestAudio.power(of: 460, in: early) > MediaTestAudio.power(of: 640, in: early))
        #expect(MediaTestAudio.power(of: 640, in: late) > MediaTestAudio.power(of: 460, in: late))
        #expect(MediaTestAudio.power(of: 640, in: exit[160..<1_000]) > MediaTestAudio.power(of: 460, in: exit[160..<1_000]))
        #expect(entry.first == 0 && abs(Int(entry.last ?? 1)) < 100, "faded in and out")
        #expect(entry.map { abs(Int($0)) }.max() ?? 0 <= 8_000)
    }
}
