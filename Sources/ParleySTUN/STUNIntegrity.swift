import Crypto
import NIOCore

/// The HMAC key of MESSAGE-INTEGRITY(-SHA256).
///
/// Short-term credentials (RFC 8489 §9.1.1): the key is the password after the OpaqueString
/// profile (RFC 8265), which leaves the printable ASCII passwords Parley configures unchanged,
/// so the UTF-8 bytes are used as they are. A long-term key (`MD5(username:realm:password)`) can
/// be given as bytes.
public struct STUNKey: Hashable, Sendable {
    public var bytes: [UInt8]

    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    public static func shortTerm(password: String) -> STUNKey {
        STUNKey(bytes: Array(password.utf8))
    }
}

/// Which MESSAGE-INTEGRITY attribute.
public enum STUNIntegrityAlgorithm: Hashable, Sendable, CaseIterable {
    /// MESSAGE-INTEGRITY: HMAC-SHA1, 20 bytes.
    case sha1
    /// MESSAGE-INTEGRITY-SHA256: HMAC-SHA256, written whole (32 bytes).
    case sha256

    var length: Int { self == .sha1 ? 20 : 32 }

    var attributeType: UInt16 {
        self == .sha1 ? STUNAttributeType.messageIntegrity : STUNAttributeType.messageIntegritySHA256
    }
}

/// What the writer signs a message with: the key and the attributes to add, in order (SHA-1
/// first when both, as RFC 8489 §14 orders them).
public struct STUNSigning: Hashable, Sendable {
    public var key: STUNKey
    public var algorithms: [STUNIntegrityAlgorithm]

    public init(key: STUNKey, algorithms: [STUNIntegrityAlgorithm] = [.sha1]) {
        self.key = key
        self.algorithms = algorithms.contains(.sha1) && algorithms.contains(.sha256) ? [.sha1, .sha256] : Array(algorithms.prefix(1))
    }
}

/// HMACs and the FINGERPRINT CRC over byte ranges of a buffer.
enum STUNIntegrity {
    /// FINGERPRINT is the CRC-32 of the message XORed with this ("STUN").
    static let fingerprintXOR: UInt32 = 0x5354_554E

    static func mac(_ algorithm: STUNIntegrityAlgorithm, key: STUNKey, over buffer: ByteBuffer, from start: Int, to end: Int) -> [UInt8] {
        let symmetricKey = SymmetricKey(data: key.bytes)
        return buffer.withUnsafeReadableBytes { all in
            let base = buffer.readerIndex
            let bytes = UnsafeRawBufferPointer(rebasing: all[(start - base)..<(end - base)])
            switch algorithm {
            case .sha1: return Array(HMAC<Insecure.SHA1>.authenticationCode(for: bytes, using: symmetricKey))
            case .sha256: return Array(HMAC<SHA256>.authenticationCode(for: bytes, using: symmetricKey))
            }
        }
    }

    static func fingerprint(over buffer: ByteBuffer, from start: Int, to end: Int) -> UInt32 {
        buffer.withUnsafeReadableBytes { all in
            let base = buffer.readerIndex
            return CRC32.checksum(UnsafeRawBufferPointer(rebasing: all[(start - base)..<(end - base)])) ^ fingerprintXOR
        }
    }

    /// Compares without an early exit, so timing says nothing about where a MAC differs.
    static func constantTimeEqual(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}

/// CRC-32 (ISO-HDLC, the one of zlib and Ethernet), table-driven.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { index in
        var crc = UInt32(index)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        return crc
    }

    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc = (crc >> 8) ^ table[Int((crc ^ UInt32(byte)) & 0xFF)]
        }
        return crc ^ 0xFFFF_FFFF
    }
}
