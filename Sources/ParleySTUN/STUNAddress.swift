import NIOCore

/// A transport address as STUN carries it (MAPPED-ADDRESS, XOR-MAPPED-ADDRESS): an IPv4 or
/// IPv6 address and a port. No Foundation, no sockets: converts to and from NIO's
/// `SocketAddress` at the edge.
public struct STUNAddress: Hashable, Sendable, CustomStringConvertible {
    public enum Host: Hashable, Sendable {
        /// Big-endian value: 192.0.2.1 is 0xC000_0201.
        case ipv4(UInt32)
        /// The 128 bits as two big-endian halves.
        case ipv6(high: UInt64, low: UInt64)
    }

    public var host: Host
    public var port: UInt16

    public init(host: Host, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// Parses `192.0.2.1` or `2001:db8::1` (no brackets, no zone); nil for anything else.
    public init?(ip text: String, port: UInt16) {
        if let v4 = Self.parseIPv4(Substring(text)) {
            self.init(host: .ipv4(v4), port: port)
        } else if let v6 = Self.parseIPv6(text) {
            self.init(host: .ipv6(high: v6.high, low: v6.low), port: port)
        } else {
            return nil
        }
    }

    /// STUN's address family code: 0x01 IPv4, 0x02 IPv6.
    public var family: UInt8 {
        switch host {
        case .ipv4: return 0x01
        case .ipv6: return 0x02
        }
    }

    /// The address without the port: `192.0.2.1`, `2001:db8::1`.
    public var ipText: String {
        switch host {
        case .ipv4(let value):
            return (0..<4).map { String(UInt8(truncatingIfNeeded: value >> (24 - 8 * $0))) }.joined(separator: ".")
        case .ipv6(let high, let low):
            return Self.formatIPv6(high: high, low: low)
        }
    }

    /// `192.0.2.1:32853`, `[2001:db8::1]:32853`.
    public var description: String {
        switch host {
        case .ipv4: return "\(ipText):\(port)"
        case .ipv6: return "[\(ipText)]:\(port)"
        }
    }

    // MARK: NIO

    /// The IPv4 or IPv6 address of a NIO socket address; nil for a Unix domain socket.
    public init?(_ address: SocketAddress) {
        guard let port = address.port, let port16 = UInt16(exactly: port) else { return nil }
        switch address {
        case .v4:
            // sockaddr_in: family (2 bytes, or length and family), port, then the address.
            let value = address.withSockAddr { pointer, _ in
                UnsafeRawPointer(pointer).loadUnaligned(fromByteOffset: 4, as: UInt32.self)
            }
            self.init(host: .ipv4(UInt32(bigEndian: value)), port: port16)
        case .v6:
            // sockaddr_in6: family, port, flow info (4 bytes), then the 16 address bytes.
            let (high, low) = address.withSockAddr { pointer, _ in
                let raw = UnsafeRawPointer(pointer)
                return (
                    raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self), raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
                )
            }
            self.init(host: .ipv6(high: UInt64(bigEndian: high), low: UInt64(bigEndian: low)), port: port16)
        case .unixDomainSocket:
            return nil
        }
    }

    /// The NIO socket address for this transport address (nil only if NIO refused a 4- or
    /// 16-byte packed address, which it does not).
    public var socketAddress: SocketAddress? {
        var packed = ByteBuffer()
        switch host {
        case .ipv4(let value): packed.writeInteger(value)
        case .ipv6(let high, let low): packed.writeMultipleIntegers(high, low)
        }
        return try? SocketAddress(packedIPAddress: packed, port: Int(port))
    }

    // MARK: Text

    static func parseIPv4(_ text: Substring) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy(\.isASCIIDigit), let octet = UInt8(part) else { return nil }
            value = value << 8 | UInt32(octet)
        }
        return value
    }

    static func parseIPv6(_ text: String) -> (high: UInt64, low: UInt64)? {
        guard text.contains(":"), text.count <= 45 else { return nil }
        var groups: [UInt16] = []
        var tailStart: Int?
        let halves = splitAtDoubleColons(text)
        guard halves.count <= 2 else { return nil }
        for (index, half) in halves.enumerated() {
            if index == 1 { tailStart = groups.count }
            guard !half.isEmpty else { continue }
            let pieces = half.split(separator: ":", omittingEmptySubsequences: false)
            for (position, piece) in pieces.enumerated() {
                if position == pieces.count - 1, piece.contains("."), index == halves.count - 1 {
                    guard let v4 = parseIPv4(piece) else { return nil }
                    groups.append(UInt16(v4 >> 16))
                    groups.append(UInt16(v4 & 0xFFFF))
                } else {
                    guard (1...4).contains(piece.count), piece.allSatisfy(\.isHexDigit), let group = UInt16(piece, radix: 16) else {
                        return nil
                    }
                    groups.append(group)
                }
            }
        }
        if let tailStart {
            guard groups.count < 8 else { return nil }
            groups.insert(contentsOf: [UInt16](repeating: 0, count: 8 - groups.count), at: tailStart)
        }
        guard groups.count == 8 else { return nil }
        let high = groups[0..<4].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        let low = groups[4..<8].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        return (high, low)
    }

    /// RFC 5952 text: lower case, the longest run of two or more zero groups as `::`.
    static func formatIPv6(high: UInt64, low: UInt64) -> String {
        let groups = (0..<4).map { UInt16(truncatingIfNeeded: high >> (48 - 16 * $0)) }
            + (0..<4).map { UInt16(truncatingIfNeeded: low >> (48 - 16 * $0)) }
        var bestStart = -1
        var bestLength = 1
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else {
                index += 1
                continue
            }
            var end = index
            while end < 8 && groups[end] == 0 { end += 1 }
            if end - index > bestLength {
                bestStart = index
                bestLength = end - index
            }
            index = end
        }
        func hex(_ slice: ArraySlice<UInt16>) -> String {
            slice.map { String($0, radix: 16) }.joined(separator: ":")
        }
        guard bestStart >= 0 else { return hex(groups[...]) }
        return hex(groups[..<bestStart]) + "::" + hex(groups[(bestStart + bestLength)...])
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

/// `text` split at every `::` (more than one makes an IPv6 address invalid).
private func splitAtDoubleColons(_ text: String) -> [Substring] {
    var out: [Substring] = []
    var rest = text[...]
    while let range = rest.firstRange(of: "::") {
        out.append(rest[..<range.lowerBound])
        rest = rest[range.upperBound...]
    }
    out.append(rest)
    return out
}
