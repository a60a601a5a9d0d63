import ParleyModel
import Testing

@Suite("MeetingID and RecordID")
struct IdentifierTests {
    @Test("4 to 10 ASCII digits are meeting IDs", arguments: ["0000", "1234", "00001", "123456", "9999999999", "0123456789"])
    func validMeetingIDs(text: String) throws {
        let id = try #require(MeetingID(text))
        #expect(id.digits == text)
        #expect(id.description == text)
    }

    @Test(
        "Anything else is not a meeting ID",
        arguments: [
            "",
            "1",
            "123",  // 3 digits
            "12345678901",  // 11 digits
            "123456789012345678901234567890",
            "12a4",  // letters
            "abcd",
            "12 34",
            " 1234",
            "1234 ",
            "-1234",
            "+1234",
            "12.34",
            "1234#",
            "١٢٣٤",  // Arabic-Indic digits: Character.isNumber, but not ASCII
            "１２３４",  // full-width digits
            "１２",  // 2 full-width digits are 6 UTF-8 bytes: the length must not be counted in bytes alone
            "123\u{0}",
            "12\u{0301}34",  // a combining mark
        ]
    )
    func invalidMeetingIDs(text: String) {
        #expect(MeetingID(text) == nil)
    }

    @Test("Meeting IDs order by length, then by digits")
    func ordering() throws {
        let a = try #require(MeetingID("9999"))
        let b = try #require(MeetingID("10000"))
        let c = try #require(MeetingID("10001"))
        let d = try #require(MeetingID("0000000001"))
        #expect(a < b)
        #expect(b < c)
        #expect(c < d)
        #expect([d, c, a, b].sorted() == [a, b, c, d])
        #expect(MeetingID("01234") != MeetingID("1234"))
    }

    @Test("Random record IDs are the prefix, an underscore and 20 lower-case hex digits")
    func randomRecordIDs() {
        var seen = Set<RecordID>()
        for _ in 0..<200 {
            let id = RecordID.random(prefix: "mtg")
            #expect(id.rawValue.hasPrefix("mtg_"))
            let hex = id.rawValue.dropFirst(4)
            #expect(hex.count == 20)
            #expect(hex.allSatisfy { "0123456789abcdef".contains($0) })
            #expect(id.description == id.rawValue)
            seen.insert(id)
        }
        #expect(seen.count == 200)
    }

    @Test("A seeded generator gives the same record IDs every time")
    func seededRecordIDs() {
        var g1 = SplitMix64(seed: 42)
        var g2 = SplitMix64(seed: 42)
        let a = (0..<5).map { _ in RecordID.random(prefix: "usr", using: &g1) }
        let b = (0..<5).map { _ in RecordID.random(prefix: "usr", using: &g2) }
        #expect(a == b)
        #expect(Set(a).count == 5)
    }
}

/// A small deterministic generator for tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
