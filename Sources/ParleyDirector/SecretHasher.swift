import Crypto
import ParleyModel
import _CryptoExtras

/// Hashes and checks secrets: PINs and passwords with salted PBKDF2-SHA256, API tokens with
/// SHA-256 (they are long random values, so a fast hash is safe and lets them be looked up).
///
/// Stored form: `pbkdf2-sha256$<rounds>$<salt hex>$<hash hex>`. Secrets never reach a log.
public struct SecretHasher: Sendable {
    /// PBKDF2 rounds for new hashes. OWASP's 2023 advice for PBKDF2-SHA256 is 600,000; the
    /// default trades some of that for sign-in latency on small servers.
    public var rounds: Int

    public init(rounds: Int = 210_000) {
        self.rounds = rounds
    }

    public func hash(_ secret: String) -> String {
        var salt = [UInt8](repeating: 0, count: 16)
        var rng = SystemRandomNumberGenerator()
        for i in salt.indices { salt[i] = UInt8.random(in: 0...255, using: &rng) }
        let derived = Self.derive(secret, salt: salt, rounds: rounds)
        return "pbkdf2-sha256$\(rounds)$\(Hex.encode(salt))$\(Hex.encode(derived))"
    }

    /// Whether `secret` matches `stored`. A malformed stored value never matches.
    public func verify(_ secret: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let rounds = Int(parts[1]), rounds > 0, rounds <= 10_000_000,
            let salt = Hex.decode(String(parts[2])), let expected = Hex.decode(String(parts[3])), !expected.isEmpty
        else { return false }
        let derived = Self.derive(secret, salt: salt, rounds: rounds, length: expected.count)
        return Self.constantTimeEqual(derived, expected)
    }

    /// Hex SHA-256 of an API token's text.
    public static func tokenHash(_ token: String) -> String {
        Hex.encode(Array(SHA256.hash(data: Array(token.utf8))))
    }

    /// A new API token: `prl_` and 64 hex digits (256 random bits).
    public static func newToken() -> String {
        var bytes = [UInt8](repeating: 0, count: 32)
        var rng = SystemRandomNumberGenerator()
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255, using: &rng) }
        return "prl_" + Hex.encode(bytes)
    }

    static func derive(_ secret: String, salt: [UInt8], rounds: Int, length: Int = 32) -> [UInt8] {
        do {
            let key = try KDF.Insecure.PBKDF2.deriveKey(
                from: Array(secret.utf8), salt: salt, using: .sha256, outputByteCount: length,
                unsafeUncheckedRounds: rounds
            )
            return key.withUnsafeBytes { Array($0) }
        } catch {
            // BoringSSL only fails on allocation failure; an empty result never verifies.
            return []
        }
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count, !a.isEmpty else { return false }
        var diff: UInt8 = 0
        for i in a.indices { diff |= a[i] ^ b[i] }
        return diff == 0
    }
}

enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let hi = value(chars[i]), let lo = value(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    private static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
