import Foundation
import Testing

@testable import CRMCore

@Suite("Timestamp")
struct TimestampTests {
    private func micros(_ text: String) throws -> Int64 {
        try Timestamp.parse(text).microsecondsSinceEpoch
    }

    private func reason(_ text: String) -> String? {
        do {
            _ = try Timestamp.parse(text)
            return nil
        } catch {
            return error.description
        }
    }

    @Test("Z, offsets and fractions give the right instant")
    func instants() throws {
        #expect(try micros("1970-01-01T00:00:00Z") == 0)
        #expect(try micros("2024-12-30T10:00:00Z") == 1_735_552_800_000_000)
        #expect(try micros("2024-12-31T20:00:00+08:00") == 1_735_646_400_000_000)
        #expect(try micros("2023-01-15T18:30:00-05:00") == micros("2023-01-15T23:30:00Z"))
        #expect(try micros("2024-06-01T09:00:00.123Z") == 1_717_232_400_123_000)
        #expect(try micros("2024-02-03T02:02:02.5Z") == micros("2024-02-03T02:02:02Z") + 500_000)
        #expect(try micros("2020-01-01T05:30:00+05:30") == micros("2020-01-01"))
        #expect(try micros("2020-01-01T00:00:00-00:00") == micros("2020-01-01"))
    }

    @Test("a plain date is midnight UTC")
    func plainDate() throws {
        #expect(try micros("2025-01-01") == 1_735_689_600_000_000)
    }

    @Test("fractions of 1 to 9 digits are truncated to microseconds, never rounded")
    func fractionTruncation() throws {
        #expect(try micros("1970-01-01T00:00:00.1Z") == 100_000)
        #expect(try micros("1970-01-01T00:00:00.123456Z") == 123_456)
        #expect(try micros("1970-01-01T00:00:00.123456999Z") == 123_456)
        #expect(reason("1970-01-01T00:00:00.1234567890Z")?.contains("with 10 digits (expected 1–9)") == true)
        #expect(reason("1970-01-01T00:00:00.Z")?.contains("with 0 digits") == true)
    }

    @Test("instants before 1970 are negative and fall on the right UTC day")
    func beforeEpoch() throws {
        let t = try Timestamp.parse("1969-12-31T23:59:59.5Z")
        #expect(t.microsecondsSinceEpoch == -500_000)
        #expect(t.utcDay == -1)
        #expect(t.iso8601 == "1969-12-31T23:59:59.500Z")
        #expect(try Timestamp.parse("0001-01-01T00:00:00Z").iso8601 == "0001-01-01T00:00:00Z")
        #expect(try Timestamp.parse("9999-12-31T23:59:59Z").iso8601 == "9999-12-31T23:59:59Z")
    }

    @Test("leap days exist only in leap years")
    func leapDays() {
        #expect(reason("2024-02-29") == nil)
        #expect(reason("2000-02-29T00:00:00Z") == nil)
        #expect(reason("2023-02-29") == #""2023-02-29" has day 29, but February 2023 has 28 days"#)
        #expect(reason("1900-02-29") == #""1900-02-29" has day 29, but February 1900 has 28 days"#)
        #expect(reason("2024-04-31") == #""2024-04-31" has day 31, but April 2024 has 30 days"#)
    }

    @Test("out-of-range fields are rejected with the field named")
    func ranges() {
        #expect(reason("2024-13-01") == #""2024-13-01" has month 13 (expected 01–12)"#)
        #expect(reason("2024-00-01") == #""2024-00-01" has month 00 (expected 01–12)"#)
        #expect(reason("2024-01-00")?.contains("has day 00") == true)
        #expect(reason("0000-01-01") == #""0000-01-01" has year 0000 (expected 0001–9999)"#)
        #expect(reason("2024-01-01T24:00:00Z") == #""2024-01-01T24:00:00Z" has hour 24 (expected 00–23)"#)
        #expect(reason("2024-01-01T10:60:00Z") == #""2024-01-01T10:60:00Z" has minute 60 (expected 00–59)"#)
    }

    @Test("a leap second is rejected")
    func leapSecond() {
        #expect(reason("2016-12-31T23:59:60Z")?.contains("has second 60 (expected 00–59; leap seconds are not accepted)") == true)
    }

    @Test("a missing offset is rejected because the instant would be ambiguous")
    func missingOffset() {
        #expect(reason("2023-12-31T10:00:00") == #""2023-12-31T10:00:00" is missing a time zone offset (add Z or ±HH:MM)"#)
        #expect(reason("2023-12-31T10:00:00.250")?.contains("missing a time zone offset") == true)
    }

    @Test("offsets must be written ±HH:MM and stay within ±14:59")
    func offsets() {
        let layout = "has a time zone offset not written as ±HH:MM (e.g. +08:00)"
        #expect(reason("2024-01-01T00:00:00+0800")?.hasSuffix(layout) == true)
        #expect(reason("2024-01-01T00:00:00+08")?.hasSuffix(layout) == true)
        #expect(reason("2024-01-01T00:00:00+8:00")?.hasSuffix(layout) == true)
        #expect(reason("2024-01-01T00:00:00+15:00")?.hasSuffix("has a time zone offset out of range (at most ±14:59)") == true)
        #expect(reason("2024-01-01T00:00:00+05:60")?.hasSuffix("out of range (at most ±14:59)") == true)
        #expect(reason("2024-01-01T00:00:00+14:00") == nil)
    }

    @Test("other formats are rejected, never guessed")
    func otherFormats() {
        let shape = "is not an ISO-8601 timestamp (expected YYYY-MM-DDTHH:MM:SSZ, an offset like +08:00, or YYYY-MM-DD)"
        for text in [
            "31/12/2023", "1700000000", "2023-1-5", "2023-12-31T10:00Z", "2023-12-31t10:00:00z", "2023-12-31T10:00:00z",
            "2023-12-31T10:00:00ZZ", "2023-12-31T10:00:00 Z", "20231231T100000Z", "abc", "2023/12/31", "-2023-12-31",
        ] {
            #expect(reason(text) == ValueError.quoted(text) + " " + shape, "\(text)")
        }
    }

    @Test("a space instead of T is rejected with a hint")
    func spaceSeparator() {
        #expect(reason("2023-12-31 10:00") == #""2023-12-31 10:00" has a space between date and time (write a T, e.g. 2023-12-31T10:00:00Z)"#)
    }

    @Test("empty is its own error and surrounding spaces are rejected")
    func emptyAndSpaces() {
        #expect(throws: ValueError.empty) { try Timestamp.parse("") }
        #expect(reason(" 2024-01-01") == #"" 2024-01-01" has leading or trailing spaces"#)
        #expect(reason("2024-01-01T00:00:00Z\t") == #""2024-01-01T00:00:00Z\t" has leading or trailing spaces"#)
    }

    @Test("formatting shows a fraction only when there is one, with 3 or 6 digits")
    func formatting() throws {
        #expect(try Timestamp.parse("2024-12-30T10:00:00Z").iso8601 == "2024-12-30T10:00:00Z")
        #expect(try Timestamp.parse("2024-12-30T10:00:00.120Z").iso8601 == "2024-12-30T10:00:00.120Z")
        #expect(try Timestamp.parse("2024-12-30T10:00:00.000001Z").iso8601 == "2024-12-30T10:00:00.000001Z")
        #expect(try Timestamp.parse("2024-12-30T10:00:00.1234567Z").iso8601 == "2024-12-30T10:00:00.123456Z")
        #expect(try Timestamp.parse("2024-12-31T20:00:00+08:00").iso8601 == "2024-12-31T12:00:00Z")
    }

    @Test("formatted text parses back to the same instant")
    func formatRoundTrip() throws {
        var state: UInt64 = 42
        for _ in 0 ..< 2000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let span: Int64 = 253_402_300_799_999_999 + 62_135_596_800_000_000  // 0001-01-01 ... 9999-12-31
            let micros = Int64(state % UInt64(span)) - 62_135_596_800_000_000
            let t = Timestamp(microsecondsSinceEpoch: micros)
            #expect(try Timestamp.parse(t.iso8601) == t, "\(t.iso8601)")
        }
    }

    @Test("UTC days use floor division and days(until:) counts calendar days")
    func utcDays() throws {
        #expect(Timestamp.fromUTCDay(0).microsecondsSinceEpoch == 0)
        #expect(Timestamp.fromUTCDay(-1).iso8601 == "1969-12-31T00:00:00Z")
        #expect(try Timestamp.parse("2025-01-01").utcDay == 20_089)
        let lateEvening = try Timestamp.parse("2024-12-31T23:59:00Z")
        let justAfterMidnight = try Timestamp.parse("2025-01-01T00:01:00Z")
        #expect(lateEvening.days(until: justAfterMidnight) == 1)
        #expect(justAfterMidnight.days(until: lateEvening) == -1)
        #expect(try Timestamp.parse("2024-01-01").days(until: Timestamp.parse("2025-01-01")) == 366)
    }

    @Test("the String initializer returns nil for invalid text")
    func failableInitializer() {
        #expect(Timestamp(iso8601: "2024-12-30T10:00:00Z")?.microsecondsSinceEpoch == 1_735_552_800_000_000)
        #expect(Timestamp(iso8601: "2023-02-29") == nil)
    }

    @Test("Codable writes and reads the ISO-8601 text")
    func codable() throws {
        let t = try Timestamp.parse("2024-06-01T09:00:00.123+02:00")
        let json = try JSONEncoder().encode([t])
        #expect(String(decoding: json, as: UTF8.self) == #"["2024-06-01T07:00:00.123Z"]"#)
        #expect(try JSONDecoder().decode([Timestamp].self, from: json) == [t])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Timestamp].self, from: Data(#"["2023-02-29"]"#.utf8)) }
    }
}
