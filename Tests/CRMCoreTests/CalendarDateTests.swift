import Foundation
import Testing

@testable import CRMCore

@Suite("CalendarDate")
struct CalendarDateTests {
    @Test("a valid date parses and formats back")
    func validDate() throws {
        let date = try CalendarDate.parse("1980-02-29")
        #expect(date == CalendarDate(year: 1980, month: 2, day: 29))
        #expect(date.iso8601 == "1980-02-29")
    }

    @Test("only YYYY-MM-DD is accepted")
    func strictLayout() {
        let shape = "is not a date (expected YYYY-MM-DD)"
        for text in ["1980-2-29", "29.02.1980", "1980-02-29T00:00:00Z", "19800229", "NULL", "1980-02-29 "] {
            #expect(throws: ValueError.self, "\(text)") { try CalendarDate.parse(text) }
            if text != "1980-02-29 " {
                #expect((try? CalendarDate.parse(text)) == nil)
                do {
                    _ = try CalendarDate.parse(text)
                } catch {
                    #expect(error == .invalid(value: text, reason: shape))
                }
            }
        }
    }

    @Test("impossible dates are rejected, not rolled over")
    func impossibleDates() {
        #expect(throws: ValueError.invalid(value: "2023-02-29", reason: "has day 29, but February 2023 has 28 days")) {
            try CalendarDate.parse("2023-02-29")
        }
        #expect(CalendarDate(year: 2024, month: 4, day: 31) == nil)
        #expect(CalendarDate(year: 2024, month: 13, day: 1) == nil)
    }

    @Test("an empty date is the distinct empty error")
    func empty() {
        #expect(throws: ValueError.empty) { try CalendarDate.parse("") }
    }

    @Test("day numbers round-trip through the civil calendar across four centuries")
    func dayNumbers() {
        #expect(CalendarDate(daysSinceEpoch: 0).iso8601 == "1970-01-01")
        #expect(CalendarDate(daysSinceEpoch: -1).iso8601 == "1969-12-31")
        var previous = CalendarDate(daysSinceEpoch: -146_098)
        var mismatches: [Int] = []
        for day in -146_097 ... 146_097 {
            let date = CalendarDate(daysSinceEpoch: day)
            if date.daysSinceEpoch != day || !(previous < date) { mismatches.append(day) }
            previous = date
        }
        #expect(mismatches.isEmpty)
    }

    @Test("dates format as zero-padded YYYY-MM-DD from year 0 to 9999, with a sign and more digits beyond")
    func formatting() {
        var mismatches: [String] = []
        // Against printf: every day of 1900–2400 (every month length and leap rule), and the
        // first and last day of every year from 0001 to 9999.
        let centuries = CivilCalendar.days(year: 1900, month: 1, day: 1) ... CivilCalendar.days(year: 2400, month: 12, day: 31)
        let years = (1...9999).flatMap { [CivilCalendar.days(year: $0, month: 1, day: 1), CivilCalendar.days(year: $0, month: 12, day: 31)] }
        for day in Array(centuries) + years {
            let (year, month, dayOfMonth) = CivilCalendar.date(days: day)
            let expected = String(format: "%04d-%02d-%02d", year, month, dayOfMonth)
            let formatted = CalendarDate(daysSinceEpoch: day).iso8601
            if formatted != expected, mismatches.count < 5 { mismatches.append("\(formatted) != \(expected)") }
        }
        #expect(mismatches.isEmpty)
        #expect(CivilCalendar.format(year: 0, month: 3, day: 1) == "0000-03-01")
        #expect(CivilCalendar.format(year: -1, month: 12, day: 31) == "-0001-12-31")
        #expect(CivilCalendar.format(year: 10_000, month: 1, day: 1) == "10000-01-01")
        #expect(CivilCalendar.format(year: 12_345, month: 1, day: 9) == "12345-01-09")
    }

    @Test("Codable writes and reads YYYY-MM-DD")
    func codable() throws {
        let date = try CalendarDate.parse("1991-01-31")
        let json = try JSONEncoder().encode([date])
        #expect(String(decoding: json, as: UTF8.self) == #"["1991-01-31"]"#)
        #expect(try JSONDecoder().decode([CalendarDate].self, from: json) == [date])
    }
}
