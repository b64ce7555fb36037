import Testing

@testable import CRMCore

@Suite("Cron schedules")
struct CronScheduleTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let expression: String
        let zone: String
        let after: String
        let expected: [String]
        var testDescription: String { "\(expression) in \(zone) after \(after)" }
    }

    static let cases: [Case] = [
        // Calendar corners.
        Case(expression: "0 0 29 2 *", zone: "UTC", after: "2025-01-01T00:00:00Z", expected: ["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"]),
        Case(expression: "0 12 31 * *", zone: "UTC", after: "2025-04-01T00:00:00Z", expected: ["2025-05-31T12:00:00Z", "2025-07-31T12:00:00Z"]),
        Case(expression: "59 23 31 12 *", zone: "UTC", after: "2024-12-31T23:59:00Z", expected: ["2025-12-31T23:59:00Z"]),
        Case(expression: "0 0 1 1 *", zone: "UTC", after: "2024-12-31T23:59:59Z", expected: ["2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z"]),
        Case(expression: "@yearly", zone: "UTC", after: "2024-12-31T23:59:59Z", expected: ["2025-01-01T00:00:00Z"]),
        Case(expression: "@annually", zone: "UTC", after: "2025-01-01T00:00:00Z", expected: ["2026-01-01T00:00:00Z"]),
        // Weekdays: names, 0 and 7 for Sunday, ranges.
        Case(expression: "0 9 * * mon", zone: "UTC", after: "2025-01-01T00:00:00Z", expected: ["2025-01-06T09:00:00Z", "2025-01-13T09:00:00Z"]),
        Case(expression: "0 9 * * 7", zone: "UTC", after: "2025-01-01T00:00:00Z", expected: ["2025-01-05T09:00:00Z"]),
        Case(expression: "0 9 * * SUN", zone: "UTC", after: "2025-01-01T00:00:00Z", expected: ["2025-01-05T09:00:00Z"]),
        Case(expression: "0 9 * * fri-sun", zone: "UTC", after: "2025-01-01T00:00:00Z", expected: ["2025-01-03T09:00:00Z", "2025-01-04T09:00:00Z", "2025-01-05T09:00:00Z", "2025-01-10T09:00:00Z"]),
        Case(expression: "0 9 * * 5-7", zone: "UTC", after: "2025-01-01T00:00:00Z", expected: ["2025-01-03T09:00:00Z", "2025-01-04T09:00:00Z", "2025-01-05T09:00:00Z"]),
        Case(expression: "*/15 9-17 * * 1-5", zone: "UTC", after: "2025-01-03T17:50:00Z", expected: ["2025-01-06T09:00:00Z", "2025-01-06T09:15:00Z"]),
        // Both day fields restricted: either matches. One starting with * restricts with AND.
        Case(expression: "0 0 13 * fri", zone: "UTC", after: "2025-01-01T00:00:00Z", expected: ["2025-01-03T00:00:00Z", "2025-01-10T00:00:00Z", "2025-01-13T00:00:00Z", "2025-01-17T00:00:00Z"]),
        Case(expression: "0 0 */2 * mon", zone: "UTC", after: "2025-01-01T00:00:00Z", expected: ["2025-01-13T00:00:00Z", "2025-01-27T00:00:00Z"]),
        // Lists, months by name, shorthands.
        Case(expression: "0,30 * * * *", zone: "UTC", after: "2025-01-01T10:00:00Z", expected: ["2025-01-01T10:30:00Z", "2025-01-01T11:00:00Z"]),
        Case(expression: "0 0 1 jan,JUL *", zone: "UTC", after: "2025-02-01T00:00:00Z", expected: ["2025-07-01T00:00:00Z", "2026-01-01T00:00:00Z"]),
        Case(expression: "0 0 * jul wed", zone: "UTC", after: "2025-01-01T00:00:00Z", expected: ["2025-07-02T00:00:00Z"]),
        Case(expression: "@hourly", zone: "UTC", after: "2025-01-01T10:00:00.500Z", expected: ["2025-01-01T11:00:00Z"]),
        Case(expression: "@daily", zone: "UTC", after: "2025-01-01T00:00:00Z", expected: ["2025-01-02T00:00:00Z"]),
        Case(expression: "@midnight", zone: "UTC", after: "2025-01-01T23:00:00Z", expected: ["2025-01-02T00:00:00Z"]),
        Case(expression: "@weekly", zone: "UTC", after: "2025-01-01T00:00:00Z", expected: ["2025-01-05T00:00:00Z"]),
        Case(expression: "@monthly", zone: "UTC", after: "2025-01-15T00:00:00Z", expected: ["2025-02-01T00:00:00Z"]),
        // Time zones and daylight saving: a skipped time runs once, at the end of the gap;
        // a repeated time runs once, at its first occurrence; wildcard times follow real time.
        Case(expression: "30 2 * * *", zone: "America/New_York", after: "2025-03-08T12:00:00Z", expected: ["2025-03-09T07:00:00Z", "2025-03-10T06:30:00Z", "2025-03-11T06:30:00Z"]),
        Case(expression: "30 1 * * *", zone: "America/New_York", after: "2025-11-01T12:00:00Z", expected: ["2025-11-02T05:30:00Z", "2025-11-03T06:30:00Z"]),
        Case(expression: "*/30 * * * *", zone: "America/New_York", after: "2025-11-02T05:00:00Z", expected: ["2025-11-02T05:30:00Z", "2025-11-02T06:00:00Z", "2025-11-02T06:30:00Z", "2025-11-02T07:00:00Z"]),
        Case(expression: "0 * * * *", zone: "America/New_York", after: "2025-03-09T06:30:00Z", expected: ["2025-03-09T07:00:00Z", "2025-03-09T08:00:00Z"]),
        Case(expression: "0 9 * * *", zone: "America/New_York", after: "2025-01-01T00:00:00Z", expected: ["2025-01-01T14:00:00Z"]),
        Case(expression: "30 2 * * *", zone: "Europe/Berlin", after: "2025-03-29T12:00:00Z", expected: ["2025-03-30T01:00:00Z", "2025-03-31T00:30:00Z"]),
        Case(expression: "30 2 * * *", zone: "Europe/Berlin", after: "2025-10-25T12:00:00Z", expected: ["2025-10-26T00:30:00Z", "2025-10-27T01:30:00Z"]),
        Case(expression: "0 0 1 1 *", zone: "Europe/Berlin", after: "2025-06-01T00:00:00Z", expected: ["2025-12-31T23:00:00Z"]),
    ]

    @Test("next instants", arguments: cases)
    func next(_ testCase: Case) throws {
        let schedule = try CronSchedule(testCase.expression, timeZone: testCase.zone)
        let after = try Timestamp.parse(testCase.after)
        let found = schedule.upcoming(after: after, count: testCase.expected.count).map(\.iso8601)
        #expect(found == testCase.expected)
    }

    struct Invalid: CustomTestStringConvertible, Sendable {
        let expression: String
        let zone: String
        let field: String?
        let says: String
        var testDescription: String { "\"\(expression)\" (\(zone))" }
    }

    static let invalid: [Invalid] = [
        Invalid(expression: "", zone: "UTC", field: nil, says: "expected five fields"),
        Invalid(expression: "* * * *", zone: "UTC", field: nil, says: "got 4"),
        Invalid(expression: "0 * * * * *", zone: "UTC", field: nil, says: "sixth field"),
        Invalid(expression: "@reboot", zone: "UTC", field: nil, says: "@reboot is not supported"),
        Invalid(expression: "@every 5m", zone: "UTC", field: nil, says: "unknown shorthand"),
        Invalid(expression: "0 0 L * *", zone: "UTC", field: "day-of-month", says: "'L'"),
        Invalid(expression: "0 0 15W * *", zone: "UTC", field: "day-of-month", says: "'W'"),
        Invalid(expression: "0 0 LW * *", zone: "UTC", field: "day-of-month", says: "'W'"),
        Invalid(expression: "0 0 * * 5L", zone: "UTC", field: "day-of-week", says: "'L'"),
        Invalid(expression: "0 0 * * mon#2", zone: "UTC", field: "day-of-week", says: "'#'"),
        Invalid(expression: "0 0 ? * mon", zone: "UTC", field: "day-of-month", says: "'?'"),
        Invalid(expression: "60 * * * *", zone: "UTC", field: "minute", says: "60 is not in 0-59"),
        Invalid(expression: "* 24 * * *", zone: "UTC", field: "hour", says: "24 is not in 0-23"),
        Invalid(expression: "0 0 0 * *", zone: "UTC", field: "day-of-month", says: "0 is not in 1-31"),
        Invalid(expression: "0 0 32 * *", zone: "UTC", field: "day-of-month", says: "32 is not in 1-31"),
        Invalid(expression: "0 0 * 13 *", zone: "UTC", field: "month", says: "13 is not in 1-12"),
        Invalid(expression: "0 0 * * 8", zone: "UTC", field: "day-of-week", says: "8 is not in 0-7"),
        Invalid(expression: "*/0 * * * *", zone: "UTC", field: "minute", says: "step"),
        Invalid(expression: "5-1 * * * *", zone: "UTC", field: "minute", says: "backwards"),
        Invalid(expression: "5/10 * * * *", zone: "UTC", field: "minute", says: "a step needs a range"),
        Invalid(expression: "0 0 * foo *", zone: "UTC", field: "month", says: "\"foo\""),
        Invalid(expression: "0 0 1,,2 * *", zone: "UTC", field: "day-of-month", says: "empty item"),
        Invalid(expression: "0 0 31 2 *", zone: "UTC", field: "day-of-month", says: "never run"),
        Invalid(expression: "0 0 30,31 2 *", zone: "UTC", field: "day-of-month", says: "never run"),
        Invalid(expression: "30 2 * * *", zone: "Mars/Olympus_Mons", field: "time zone", says: "not an IANA time zone"),
        Invalid(expression: "30 2 * * *", zone: "", field: "time zone", says: "not an IANA time zone"),
    ]

    @Test("invalid expressions and zones name the field", arguments: invalid)
    func rejects(_ item: Invalid) {
        #expect {
            _ = try CronSchedule(item.expression, timeZone: item.zone)
        } throws: { error in
            guard let error = error as? CronError else { return false }
            return error.field == item.field && error.description.contains(item.says)
        }
    }

    @Test("the latest missed slot is the one caught up")
    func latestSlot() throws {
        let hourly = try CronSchedule("0 * * * *")
        let after = try Timestamp.parse("2025-01-01T00:30:00Z")
        #expect(hourly.latest(after: after, notAfter: try Timestamp.parse("2025-01-01T05:10:00Z"))?.iso8601 == "2025-01-01T05:00:00Z")
        #expect(hourly.latest(after: after, notAfter: try Timestamp.parse("2025-01-01T00:59:59Z")) == nil)
        let yearly = try CronSchedule("0 0 29 2 *")
        let longAgo = try Timestamp.parse("2001-01-01T00:00:00Z")
        #expect(yearly.latest(after: longAgo, notAfter: try Timestamp.parse("2025-06-01T00:00:00Z"))?.iso8601 == "2024-02-29T00:00:00Z")
    }
}
