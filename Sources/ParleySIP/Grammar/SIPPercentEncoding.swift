/// The `escaped = "%" HEXDIG HEXDIG` mechanism of SIP URIs (RFC 3261 §19.1.2, §25.1).
enum SIPPercentEncoding {
    /// Resolves escapes in `bytes`, accepting only the bytes `allowed` unescaped.
    /// Returns nil if a `%` is not followed by two hex digits or a byte is not allowed.
    static func decode<Bytes: Collection<UInt8>>(
        _ bytes: Bytes,
        allowed: (UInt8) -> Bool
    ) -> String? {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                let first = bytes.index(after: index)
                guard first != bytes.endIndex else { return nil }
                let second = bytes.index(after: first)
                guard second != bytes.endIndex,
                    let high = hexValue(bytes[first]),
                    let low = hexValue(bytes[second])
                else { return nil }
                result.append(high << 4 | low)
                index = bytes.index(after: second)
            } else {
                guard allowed(byte) else { return nil }
                result.append(byte)
                index = bytes.index(after: index)
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// Escapes every byte of `text` that is not `allowed`.
    static func encode(_ text: String, allowed: (UInt8) -> Bool) -> String {
        var result: [UInt8] = []
        result.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if allowed(byte) {
                result.append(byte)
            } else {
                result.append(UInt8(ascii: "%"))
                result.append(hexDigit(byte >> 4))
                result.append(hexDigit(byte & 0x0F))
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "A") + value - 10
    }
}
