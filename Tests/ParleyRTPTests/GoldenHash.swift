/// FNV-1a, 64-bit, over the little-endian bytes of what it is given: the hash the golden
/// tests of the codecs and resamplers pin their output with.
struct FNV1a {
    private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    mutating func add(_ byte: UInt8) {
        value ^= UInt64(byte)
        value &*= 0x0000_0100_0000_01B3
    }

    mutating func add(_ sample: Int16) {
        let bits = UInt16(bitPattern: sample)
        add(UInt8(truncatingIfNeeded: bits))
        add(UInt8(truncatingIfNeeded: bits >> 8))
    }

    mutating func add<S: Sequence>(_ samples: S) where S.Element == Int16 {
        for sample in samples { add(sample) }
    }

    mutating func add<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        for byte in bytes { add(byte) }
    }

    mutating func add(count: Int) {
        add(Int16(truncatingIfNeeded: count))
    }

    static func of(_ bytes: [UInt8]) -> UInt64 {
        var hash = FNV1a()
        hash.add(bytes)
        return hash.value
    }

    static func of(_ samples: [Int16]) -> UInt64 {
        var hash = FNV1a()
        hash.add(samples)
        return hash.value
    }
}
