import NIOCore
import ParleyRTP
import Testing

@Suite("G.711 µ-law and A-law")
struct G711Tests {
    @Test func muLawReferenceValues() {
        #expect(G711MuLaw.decode(0xFF) == 0)
        #expect(G711MuLaw.decode(0x7F) == 0)
        #expect(G711MuLaw.decode(0x00) == -32124)
        #expect(G711MuLaw.decode(0x80) == 32124)
        #expect(G711MuLaw.decode(0xFE) == 8)
        #expect(G711MuLaw.decode(0x7E) == -8)
        #expect(G711MuLaw.encode(0) == 0xFF)
        #expect(G711MuLaw.encode(32767) == 0x80)
        #expect(G711MuLaw.encode(-32768) == 0x00)
    }

    @Test func aLawReferenceValues() {
        #expect(G711ALaw.decode(0xD5) == 8)
        #expect(G711ALaw.decode(0x55) == -8)
        #expect(G711ALaw.decode(0xAA) == 32256)
        #expect(G711ALaw.decode(0x2A) == -32256)
        #expect(G711ALaw.encode(0) == 0xD5)
        #expect(G711ALaw.encode(-1) == 0x55)
        #expect(G711ALaw.encode(32767) == 0xAA)
        #expect(G711ALaw.encode(-32768) == 0x2A)
    }

    @Test func everyCodeSurvivesDecodeThenEncode() {
        for code in 0...255 where code != 0x7F {  // 0x7F is µ-law's "negative zero"
            #expect(G711MuLaw.encode(G711MuLaw.decode(UInt8(code))) == UInt8(code), "µ-law \(code)")
        }
        for code in 0...255 {
            #expect(G711ALaw.encode(G711ALaw.decode(UInt8(code))) == UInt8(code), "A-law \(code)")
        }
    }

    /// The segment search by leading-zero count gives exactly the reference loop's codes.
    @Test func fastSegmentSearchMatchesTheReferenceLoop() {
        var mismatches = 0
        for value in Int(Int16.min)...Int(Int16.max) {
            let sample = Int16(value)
            if G711MuLaw.encode(sample) != Reference.linearToMuLaw(sample) { mismatches += 1 }
            if G711ALaw.encode(sample) != Reference.linearToALaw(sample) { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    /// Full-range round trip: the error stays within half a quantization step of the
    /// segment (plus the clipping at the top of the µ-law range).
    @Test func fullRangeRoundTripErrorIsBounded() {
        var worstMu = 0
        var worstA = 0
        for value in Int(Int16.min)...Int(Int16.max) {
            let sample = Int16(value)
            let magnitude = abs(value)
            let bound = max(16, magnitude / 16)
            let muError = abs(Int(G711MuLaw.decode(G711MuLaw.encode(sample))) - value)
            let aError = abs(Int(G711ALaw.decode(G711ALaw.encode(sample))) - value)
            worstMu = max(worstMu, muError)
            worstA = max(worstA, aError)
            if muError > bound || aError > bound {
                Issue.record("sample \(value): µ error \(muError), A error \(aError), bound \(bound)")
                return
            }
        }
        #expect(worstMu <= 644)  // clipping: 32767 → 32124
        #expect(worstA <= 512)
    }

    @Test func monotonicDecodeTables() {
        // Positive µ-law codes 0x80...0xFF decode to decreasing magnitudes.
        for code in 0x80..<0xFF {
            #expect(G711MuLaw.decode(UInt8(code)) > G711MuLaw.decode(UInt8(code + 1)))
        }
    }

    @Test func bufferAPIs() {
        let pcm: [Int16] = [0, 1000, -1000, 32767, -32768, 8]
        var codes = [UInt8](repeating: 0, count: pcm.count)
        var decoded = [Int16](repeating: 0, count: pcm.count)
        let encodedCount = pcm.withUnsafeBufferPointer { input in
            codes.withUnsafeMutableBufferPointer { G711ALaw.encode(input, into: $0) }
        }
        #expect(encodedCount == pcm.count)
        #expect(codes == pcm.map(G711ALaw.encode))
        let decodedCount = codes.withUnsafeBytes { raw in
            decoded.withUnsafeMutableBufferPointer { G711ALaw.decode(raw, into: $0) }
        }
        #expect(decodedCount == pcm.count)
        #expect(decoded == codes.map(G711ALaw.decode))

        var buffer = ByteBufferAllocator().buffer(capacity: 0)
        pcm.withUnsafeBufferPointer { _ = G711MuLaw.encode($0, appendingTo: &buffer) }
        #expect(buffer.bytes == pcm.map(G711MuLaw.encode))
        var out = [Int16](repeating: 0, count: 3)  // shorter output: only 3 decoded
        let count = out.withUnsafeMutableBufferPointer { G711MuLaw.decode(buffer, into: $0) }
        #expect(count == 3)
    }
}

/// The classic Sun reference encoders (search loop over segment end points).
private enum Reference {
    static let muEnd: [Int] = [0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF]
    static let aEnd: [Int] = [0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF]

    static func search(_ value: Int, _ table: [Int]) -> Int {
        for (index, end) in table.enumerated() where value <= end { return index }
        return table.count
    }

    static func linearToMuLaw(_ sample: Int16) -> UInt8 {
        var value = Int(sample) >> 2
        let mask: Int
        if value < 0 {
            value = -value
            mask = 0x7F
        } else {
            mask = 0xFF
        }
        if value > 8159 { value = 8159 }
        value += 0x84 >> 2
        let segment = search(value, muEnd)
        if segment >= 8 { return UInt8(0x7F ^ mask) }
        return UInt8(((segment << 4) | ((value >> (segment + 1)) & 0xF)) ^ mask)
    }

    static func linearToALaw(_ sample: Int16) -> UInt8 {
        var value = Int(sample) >> 3
        let mask: Int
        if value >= 0 {
            mask = 0xD5
        } else {
            mask = 0x55
            value = -value - 1
        }
        let segment = search(value, aEnd)
        if segment >= 8 { return UInt8(0x7F ^ mask) }
        var code = segment << 4
        code |= segment < 2 ? (value >> 1) & 0xF : (value >> segment) & 0xF
        return UInt8(code ^ mask)
    }
}
