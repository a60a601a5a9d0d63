import Foundation
import NIOCore
import ParleyRTP

/// What the load tool's browser participants send, prepared once for the whole run: every
/// payload (silence, the probe's 1 kHz tone, each 20 ms of the talkers' speech) as big-endian L16
/// already masked, so a tick only rewrites a seat's 8-byte frame header (sequence and timestamp)
/// and, when the seat's payload changed, copies 640 bytes. Each seat keeps one 656-byte buffer
/// (WebSocket header, audio header, samples) that is rewritten in place every tick and written
/// to its channel as it is: no allocation per frame.
///
/// One masking key for the whole run, on every connection and every frame. RFC 6455 §5.3 asks a
/// browser for a fresh unpredictable key per frame so that script-chosen bytes cannot be steered
/// into a proxy's cache; the load tool sends its own fixed audio to the node on loopback with no
/// proxy between, and the server only unmasks (any key works). A fixed key is what makes the
/// payloads maskable once, up front, instead of 50,000 times a second.
package struct WebLoadAudioFrames: Sendable {
    /// The client's WebSocket header in front of each audio frame: opcode, 126, 16-bit length, key.
    package static let socketHeaderBytes = 8
    /// WebSocket header and the 648-byte audio frame.
    package static let frameBytes = socketHeaderBytes + BrowserAudioFrameHeader.frameBytes
    static let sampleBytes = AudioCodec.l16.payloadBytes
    static let samplesOffset = socketHeaderBytes + BrowserAudioFrameHeader.headerBytes

    package enum Payload: Hashable, Sendable {
        case silence
        case tone
        /// The `n`th 20 ms of the speech (0 ..< ``speechFrames``).
        case speech(Int)
    }

    package let maskKey: UInt32
    /// Whole 320-sample frames of speech; 0 when the speech is shorter than one frame.
    package let speechFrames: Int
    private let silence: [UInt8]
    private let tone: [UInt8]
    private let speech: [UInt8]

    package init(speech: [Int16], tone: [Int16] = Self.probeTone(), maskKey: UInt32) {
        self.maskKey = maskKey
        let samples = AudioCodec.widebandFrameSamples
        speechFrames = speech.count / samples
        func masked(_ samples: ArraySlice<Int16>) -> [UInt8] {
            var buffer = ByteBufferAllocator().buffer(capacity: samples.count * 2)
            for sample in samples { buffer.writeInteger(sample, endianness: .big) }
            // The samples start 8 bytes into the payload, a multiple of 4: key byte 0 comes first.
            WebSocketClientFraming.mask(&buffer, at: buffer.readerIndex, length: buffer.readableBytes, key: maskKey)
            return Array(buffer.readableBytesView)
        }
        silence = masked([Int16](repeating: 0, count: samples)[...])
        self.tone = masked((tone + [Int16](repeating: 0, count: max(0, samples - tone.count)))[0..<samples])
        self.speech = masked(speech[0..<(speechFrames * samples)])
    }

    /// 20 ms of the probe's 1 kHz at 16 kHz, the tone ``LoadRunner/isTone(_:)`` listens for.
    package static func probeTone() -> [Int16] {
        (0..<AudioCodec.widebandFrameSamples).map { Int16(16_000 * sin(2 * Double.pi * 1_000 * Double($0) / 16_000)) }
    }

    /// A seat's frame buffer: the WebSocket header, then sequence 0 and silence, masked.
    package func makeFrame(allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        var frame = allocator.buffer(capacity: Self.frameBytes)
        frame.writeInteger(UInt8(0x80 | WebSocketClientFraming.Opcode.binary.rawValue))
        frame.writeInteger(UInt8(0x80 | 126))
        frame.writeInteger(UInt16(BrowserAudioFrameHeader.frameBytes))
        frame.writeInteger(maskKey)
        frame.writeInteger(maskedHeader(sequence: 0, timestamp: 0))
        frame.writeBytes(silence)
        return frame
    }

    /// The 8-byte audio header of one tick (kind L16, no flags), masked, as a big-endian integer.
    package func maskedHeader(sequence: UInt16, timestamp: UInt32) -> UInt64 {
        let header = UInt64(BrowserAudioFrameHeader.kindL16) << 56 | UInt64(sequence) << 32 | UInt64(timestamp)
        return header ^ (UInt64(maskKey) << 32 | UInt64(maskKey))
    }

    /// Rewrites a seat's frame (from ``makeFrame(allocator:)``) in place: the tick's header, and
    /// the samples when `payload` differs from `current` (which it then becomes).
    package func update(_ frame: inout ByteBuffer, header: UInt64, payload: Payload, current: inout Payload?) {
        let start = frame.readerIndex
        frame.setInteger(header, at: start + Self.socketHeaderBytes)
        guard payload != current else { return }
        current = payload
        let offset = start + Self.samplesOffset
        switch payload {
        case .silence:
            frame.setBytes(silence, at: offset)
        case .tone:
            frame.setBytes(tone, at: offset)
        case .speech where speechFrames == 0:
            frame.setBytes(silence, at: offset)
        case .speech(let index):
            let from = (index % speechFrames) * Self.sampleBytes
            speech.withUnsafeBytes { bytes in
                _ = frame.setBytes(UnsafeRawBufferPointer(rebasing: bytes[from..<(from + Self.sampleBytes)]), at: offset)
            }
        }
    }
}
