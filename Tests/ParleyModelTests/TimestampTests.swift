import ParleyModel
import Testing

@Suite("Timestamp RFC 3339")
struct TimestampTests {
    @Test(
        "Known instants parse to the right milliseconds",
        arguments: [
            ("1970-01-01T00:00:00Z", 0),
            ("2026-11-21T09:30:00Z", 1_795_253_400_000),
            ("2026-11-21T09:30:00.250Z", 1_795_253_400_250),
            ("2024-02-29T12:00:00Z", 1_709_208_000_000),
            ("2000-02-29T23:59:59Z", 951_868_799_000),
            ("1969-12-31T23:59:59.999Z", -1),
            ("9999-12-31T23:59:59Z", 253_402_300_799_000),
        ] as [(String, Int64)]
    )
    func parsesKnownInstants(text: String, milliseconds: Int64) throws {
        let parsed = try #require(Timestamp(rfc3339: text))
        #expect(parsed.millisecondsSinceEpoch == milliseconds)
        // Formatting gives back exactly the canonical UTC text.
        #expect(parsed.rfc3339 == text)
        #expect(parsed.description == text)
    }

    @Test(
        "Offsets are applied: every spelling of the same instant parses to it",
        arguments: [
            "2026-11-21T09:30:00Z",
            "2026-11-21T09:30:00z",
            "2026-11-21t09:30:00Z",
            "2026-11-21 09:30:00Z",
            "2026-11-21T09:30:00+00:00",
            "2026-11-21T09:30:00-00:00",
            "2026-11-21T10:30:00+01:00",
            "2026-11-21T04:00:00-05:30",
            "2026-11-22T09:00:00+23:30",
            "2026-11-20T10:29:00-23:01",
            "2026-11-21T09:30:00.000Z",
        ]
    )
    func offsetsNormaliseToUTC(text: String) throws {
        let parsed = try #require(Timestamp(rfc3339: text))
        #expect(parsed.millisecondsSinceEpoch == 1_795_253_400_000)
        #expect(parsed.rfc3339 == "2026-11-21T09:30:00Z")
    }

    @Test("An offset can move the instant across a day, month and year boundary")
    func offsetCrossesYear() throws {
        let parsed = try #require(Timestamp(rfc3339: "2027-01-01T00:30:00+01:00"))
        #expect(parsed.rfc3339 == "2026-12-31T23:30:00Z")
        let west = try #require(Timestamp(rfc3339: "2024-02-28T23:00:00-02:00"))
        #expect(west.rfc3339 == "2024-02-29T01:00:00Z")
    }

    @Test(
        "Fractions of any length keep whole milliseconds (extra digits are truncated)",
        arguments: [
            ("2026-11-21T09:30:00.5Z", 500),
            ("2026-11-21T09:30:00.05Z", 50),
            ("2026-11-21T09:30:00.123Z", 123),
            ("2026-11-21T09:30:00.1239Z", 123),
            ("2026-11-21T09:30:00.999999999Z", 999),
            ("2026-11-21T09:30:00.001+01:00", -3_599_999),
        ] as [(String, Int64)]
    )
    func fractions(text: String, extraMilliseconds: Int64) throws {
        let parsed = try #require(Timestamp(rfc3339: text))
        #expect(parsed.millisecondsSinceEpoch == 1_795_253_400_000 + extraMilliseconds)
    }

    @Test("Formatting writes milliseconds only when they are not zero")
    func formattingFractions() {
        #expect(Timestamp(millisecondsSinceEpoch: 1_795_253_400_000).rfc3339 == "2026-11-21T09:30:00Z")
        #expect(Timestamp(millisecondsSinceEpoch: 1_795_253_400_007).rfc3339 == "2026-11-21T09:30:00.007Z")
        #expect(Timestamp(millisecondsSinceEpoch: 1_795_253_400_070).rfc3339 == "2026-11-21T09:30:00.070Z")
        #expect(Timestamp(secondsSinceEpoch: 0).rfc3339 == "1970-01-01T00:00:00Z")
        #expect(Timestamp(millisecondsSinceEpoch: -86_400_000).rfc3339 == "1969-12-31T00:00:00Z")
        #expect(Timestamp(millisecondsSinceEpoch: -1500).rfc3339 == "1969-12-31T23:59:58.500Z")
    }

    @Test("Leap days exist only in leap years (every 4th year, not centuries, but every 400th)")
    func leapDays() {
        #expect(Timestamp(rfc3339: "2024-02-29T00:00:00Z") != nil)
        #expect(Timestamp(rfc3339: "2000-02-29T00:00:00Z") != nil)
        #expect(Timestamp(rfc3339: "2400-02-29T00:00:00Z") != nil)
        #expect(Timestamp(rfc3339: "2023-02-29T00:00:00Z") == nil)
        #expect(Timestamp(rfc3339: "1900-02-29T00:00:00Z") == nil)
        #expect(Timestamp(rfc3339: "2100-02-29T00:00:00Z") == nil)
        // The day after a leap day is 1 March.
        let leap = Timestamp(rfc3339: "2024-02-29T12:00:00Z")
        #expect(leap.map { ($0 + .seconds(86_400)).rfc3339 } == "2024-03-01T12:00:00Z")
    }

    @Test("Instants spread over a whole 400-year Gregorian cycle survive a format/parse round trip")
    func roundTripEveryDay() throws {
        // 2000-01-01 to 2399-12-31 in steps of 2 days 37 min 1.001 s, to vary the time of day too.
        var t = try #require(Timestamp(rfc3339: "2000-01-01T00:00:00Z"))
        let stop = try #require(Timestamp(rfc3339: "2400-01-01T00:00:00Z"))
        var failures = 0
        var count = 0
        while t < stop {
            if Timestamp(rfc3339: t.rfc3339) != t { failures += 1 }
            t = t + .milliseconds(2 * 86_400_000 + 37 * 60_000 + 1_001)
            count += 1
        }
        #expect(count > 70_000)
        #expect(failures == 0)
    }

    @Test("A leap second is accepted and read as the 59th second")
    func leapSecond() throws {
        let leap = try #require(Timestamp(rfc3339: "2016-12-31T23:59:60Z"))
        #expect(leap.rfc3339 == "2016-12-31T23:59:59Z")
    }

    @Test(
        "Invalid text gives nil, never a crash",
        arguments: [
            "",
            "garbage",
            "2026-13-01T00:00:00Z",  // month 13
            "2026-00-10T00:00:00Z",  // month 0
            "2026-02-30T00:00:00Z",  // 30 February
            "2026-04-31T00:00:00Z",  // 31 April
            "2026-11-00T00:00:00Z",  // day 0
            "2026-11-32T00:00:00Z",
            "2026-11-21T24:00:00Z",  // hour 24
            "2026-11-21T09:60:00Z",  // minute 60
            "2026-11-21T09:30:61Z",  // second 61
            "2026-11-21T09:30:00",  // missing Z
            "2026-11-21T09:30Z",  // no seconds
            "2026-11-21",  // date only
            "2026-11-21X09:30:00Z",  // wrong separator
            "2026/11/21T09:30:00Z",
            "2026-11-21T09:30:00ZZ",  // trailing junk
            "2026-11-21T09:30:00Z ",
            " 2026-11-21T09:30:00Z",
            "2026-11-21T09:30:00.Z",  // dot without digits
            "2026-11-21T09:30:00.",
            "2026-11-21T09:30:00+01",  // short offset
            "2026-11-21T09:30:00+0100",  // offset without colon
            "2026-11-21T09:30:00+01:0",
            "2026-11-21T09:30:00+24:00",  // offset hour out of range
            "2026-11-21T09:30:00+01:60",
            "2026-11-21T09:30:00+01:00Z",
            "2026-11-21T09:30:00 +01:00",
            "+2026-11-21T09:30:00Z",
            "-026-11-21T09:30:00Z",
            "２０２６-11-21T09:30:00Z",  // full-width digits
            "2026-11-21T09:30:0٠Z",  // Arabic-Indic zero
            "2026-1-21T09:30:00Z",
            "20261121T093000Z",  // basic ISO 8601 format is not RFC 3339
            "2026-11-21T09:30:00\u{0}",
            "2026-11-21T09:30:00.12345678901234567890123Z-",
        ]
    )
    func invalidInputs(text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test("Prefixes and mutations of a valid timestamp never crash the parser")
    func truncatedAndMutatedInputs() {
        let valid = Array("2026-11-21T09:30:00.250+01:00".utf8)
        for length in 0..<valid.count {
            let prefix = String(decoding: valid[..<length], as: UTF8.self)
            _ = Timestamp(rfc3339: prefix)
        }
        // Replace each byte with each interesting byte; must only ever return a value or nil.
        let replacements: [UInt8] = [0, 0x2B, 0x2D, 0x2E, 0x30, 0x39, 0x3A, 0x5A, 0x54, 0x20, 0x7F, 0xFF]
        var parsed = 0
        for i in valid.indices {
            for r in replacements {
                var bytes = valid
                bytes[i] = r
                if Timestamp(rfc3339: String(decoding: bytes, as: UTF8.self)) != nil { parsed += 1 }
            }
        }
        #expect(parsed > 0)
        #expect(Timestamp(rfc3339: String(decoding: valid, as: UTF8.self)) != nil)
    }

    @Test("Arithmetic with Duration and differences between timestamps")
    func arithmetic() {
        let t = Timestamp(secondsSinceEpoch: 1_795_253_400)
        #expect((t + .seconds(90)).millisecondsSinceEpoch == 1_795_253_490_000)
        #expect((t - .milliseconds(1)).millisecondsSinceEpoch == 1_795_253_399_999)
        #expect((t + .seconds(3600)) - t == .seconds(3600))
        #expect(t - (t + .seconds(5)) == .seconds(-5))
        #expect(t.secondsSinceEpoch == 1_795_253_400)
        #expect(Timestamp(millisecondsSinceEpoch: 1999).secondsSinceEpoch == 1)
        #expect(t < t + .milliseconds(1))
        #expect(!(t < t))
    }

    @Test("Duration.wholeMilliseconds rounds toward zero")
    func wholeMilliseconds() {
        #expect(Duration.seconds(2).wholeMilliseconds == 2000)
        #expect(Duration.microseconds(1999).wholeMilliseconds == 1)
        #expect(Duration.microseconds(-1999).wholeMilliseconds == -1)
        #expect(Duration.seconds(-1.5).wholeMilliseconds == -1500)
        #expect(Duration.nanoseconds(999_999).wholeMilliseconds == 0)
    }
}
