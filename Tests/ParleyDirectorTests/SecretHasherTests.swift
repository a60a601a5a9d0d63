import ParleyDirector
import Testing

@Suite("SecretHasher")
struct SecretHasherTests {
    let hasher = SecretHasher(rounds: 1_000)

    @Test("The right secret verifies; wrong ones do not")
    func verify() {
        let stored = hasher.hash("482916")
        #expect(hasher.verify("482916", against: stored))
        for wrong in ["482917", "48291", "4829160", "", " 482916", "482916 ", "٤٨٢٩١٦"] {
            #expect(!hasher.verify(wrong, against: stored), "\(wrong) must not verify")
        }
    }

    @Test("The stored form is pbkdf2-sha256, rounds, salt and hash, and does not contain the secret")
    func storedForm() {
        let stored = hasher.hash("correct horse battery staple")
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        #expect(parts.count == 4)
        #expect(parts.first == "pbkdf2-sha256")
        #expect(parts.dropFirst().first == "1000")
        #expect(parts.dropFirst(2).first?.count == 32, "16 bytes of salt")
        #expect(parts.last?.count == 64, "32 bytes of hash")
        #expect(!stored.contains("correct horse"))
    }

    @Test("Two hashes of the same secret differ (salt), and both verify")
    func salted() {
        let a = hasher.hash("1234")
        let b = hasher.hash("1234")
        #expect(a != b)
        #expect(hasher.verify("1234", against: a))
        #expect(hasher.verify("1234", against: b))
    }

    @Test("A hash made with other rounds still verifies: the rounds are read from the stored form")
    func otherRounds() {
        let stored = SecretHasher(rounds: 2_000).hash("s3cret-pass")
        #expect(stored.hasPrefix("pbkdf2-sha256$2000$"))
        #expect(hasher.verify("s3cret-pass", against: stored))
        #expect(!hasher.verify("s3cret-pasS", against: stored))
    }

    @Test("Tampering with any part of the stored form makes it fail")
    func tampered() {
        let stored = hasher.hash("1234")
        let parts = stored.split(separator: "$").map(String.init)
        let otherRounds = [parts[0], "1001", parts[2], parts[3]].joined(separator: "$")
        let flippedHash = [parts[0], parts[1], parts[2], String(parts[3].reversed())].joined(separator: "$")
        let otherSalt = [parts[0], parts[1], String(repeating: "0", count: 32), parts[3]].joined(separator: "$")
        let upper = [parts[0], parts[1], parts[2].uppercased(), parts[3].uppercased()].joined(separator: "$")
        #expect(!hasher.verify("1234", against: otherRounds))
        #expect(!hasher.verify("1234", against: flippedHash))
        #expect(!hasher.verify("1234", against: otherSalt))
        // Upper-case hex is the same bytes.
        #expect(hasher.verify("1234", against: upper))
    }

    static let malformed: [String] = [
        "",
        "1234",
        "pbkdf2-sha256",
        "pbkdf2-sha256$1000",
        "pbkdf2-sha256$1000$00112233",
        "pbkdf2-sha256$1000$00112233$",  // empty hash
        "pbkdf2-sha256$1000$00112233$abc",  // odd number of hex digits
        "pbkdf2-sha256$1000$00112233$zz",  // not hex
        "pbkdf2-sha256$1000$0011223$aabb",  // odd salt
        "pbkdf2-sha256$0$00112233$aabbccdd",  // zero rounds
        "pbkdf2-sha256$-5$00112233$aabbccdd",
        "pbkdf2-sha256$abc$00112233$aabbccdd",
        "pbkdf2-sha256$99999999999$00112233$aabbccdd",  // absurd rounds are refused, not run
        "pbkdf2-sha256$99999999999999999999999$00112233$aabbccdd",
        "pbkdf2-sha512$1000$00112233$aabbccdd",  // other algorithm
        "bcrypt$2b$10$abcdefghijklmnopqrstuv",
        "pbkdf2-sha256$1000$00112233$aabbccdd$extra",
        "$$$",
        "pbkdf2-sha256$1000$$aabbccdd" + String(repeating: "ff", count: 28),
    ]

    @Test("Malformed stored strings never verify and never crash", arguments: malformed)
    func malformedStored(stored: String) {
        #expect(!hasher.verify("1234", against: stored))
        #expect(!hasher.verify("", against: stored))
    }

    @Test("Token hashes are SHA-256 hex, stable, and not the token")
    func tokenHash() {
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        #expect(SecretHasher.tokenHash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let token = SecretHasher.newToken()
        #expect(SecretHasher.tokenHash(token) == SecretHasher.tokenHash(token))
        #expect(SecretHasher.tokenHash(token) != token)
        #expect(!SecretHasher.tokenHash(token).contains(token.dropFirst(4)))
    }

    @Test("New tokens are prl_ and 64 lower-case hex digits, all different")
    func newTokens() {
        var seen = Set<String>()
        for _ in 0..<100 {
            let token = SecretHasher.newToken()
            #expect(token.hasPrefix("prl_"))
            #expect(token.utf8.count == 68)
            #expect(token.dropFirst(4).allSatisfy { "0123456789abcdef".contains($0) })
            seen.insert(token)
        }
        #expect(seen.count == 100)
    }
}
