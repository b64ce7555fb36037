import Foundation

/// A five-field cron expression with Vixie cron semantics, in local wall-clock time.
///
/// `minute hour day-of-month month day-of-week`, or one of `@hourly`, `@daily` (`@midnight`),
/// `@weekly`, `@monthly`, `@yearly` (`@annually`). Sunday is 0 or 7. When both day fields are
/// restricted (neither starts with `*`), a day matches if either does. Six fields, `@reboot`
/// and the Quartz extensions `L`, `W`, `#`, `?` are rejected. Time zones and daylight saving
/// are `CronSchedule`'s business.
///
/// ```swift
/// let weekdays = try CronExpression("30 2 * * mon-fri")
/// ```
public struct CronExpression: Sendable, Equatable, CustomStringConvertible {
    /// The expression as written.
    public let text: String
    let minute: CronField
    let hour: CronField
    let dayOfMonth: CronField
    let month: CronField
    let dayOfWeek: CronField

    static let aliases: [String: String] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    public init(_ text: String) throws(CronError) {
        self.text = text
        var body = text.trimmingCharacters(in: .whitespaces)
        if body.hasPrefix("@") {
            if body.lowercased() == "@reboot" {
                throw CronError(expression: text, field: nil, message: "@reboot is not supported: a job runs on a schedule, not when crm starts")
            }
            guard let expansion = Self.aliases[body.lowercased()] else {
                throw CronError(
                    expression: text, field: nil,
                    message: "unknown shorthand \(body) (known: @hourly, @daily, @midnight, @weekly, @monthly, @yearly, @annually)")
            }
            body = expansion
        }
        let fields = body.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            let extra = fields.count == 6 ? "; a sixth field (seconds or years) is not supported" : ""
            throw CronError(
                expression: text, field: nil,
                message: "expected five fields (minute hour day-of-month month day-of-week), got \(fields.count)\(extra)")
        }
        var parsed: [CronField] = []
        for kind in CronField.Kind.allCases {
            do throws(CronFieldProblem) {
                parsed.append(try CronField(fields[kind.rawValue], kind: kind))
            } catch {
                throw CronError(expression: text, field: kind.name, message: error.message)
            }
        }
        (minute, hour, dayOfMonth, month, dayOfWeek) = (parsed[0], parsed[1], parsed[2], parsed[3], parsed[4])
        if dayOfWeek.startsWithStar && !dayOfMonth.startsWithStar {
            guard (1...12).contains(where: { month.contains($0) && (dayOfMonth.first(atLeast: 1) ?? 99) <= Self.longestMonth($0) }) else {
                throw CronError(
                    expression: text, field: "day-of-month",
                    message: "no month of the expression has such a day, so it would never run")
            }
        }
    }

    public var description: String { text }

    /// Whether a time with a `*` minute or hour: such schedules run at every matching instant
    /// when a wall-clock hour repeats; fixed times run once (see `CronSchedule`).
    var isWildcardTime: Bool { minute.startsWithStar || hour.startsWithStar }

    /// Days in the longest instance of a month (February: 29).
    static func longestMonth(_ month: Int) -> Int {
        CivilCalendar.daysInMonth(year: 2000, month: month)
    }

    /// Vixie: both day fields restricted → either matches; otherwise both must.
    func matches(day: Int, month: Int, weekday: Int) -> Bool {
        let byDate = dayOfMonth.contains(day)
        let byWeekday = dayOfWeek.contains(weekday)
        if dayOfMonth.startsWithStar || dayOfWeek.startsWithStar { return byDate && byWeekday }
        return byDate || byWeekday
    }

    /// The first matching local minute at or after `localMinute` (minutes since
    /// 1970-01-01T00:00 local time), looking at most `years` ahead.
    func firstMatch(atOrAfter localMinute: Int64, years: Int = 30) -> Int64? {
        var day = Int(CivilCalendar.floorDivide(localMinute, 1440))
        var minuteOfDay = Int(localMinute - Int64(day) * 1440)
        let lastDay = day + 366 * years
        while day <= lastDay {
            let date = CivilCalendar.date(days: day)
            if !month.contains(date.month) {
                let next = date.month == 12 ? (date.year + 1, 1) : (date.year, date.month + 1)
                day = CivilCalendar.days(year: next.0, month: next.1, day: 1)
                minuteOfDay = 0
                continue
            }
            let weekday = ((day % 7) + 7 + 4) % 7  // 1970-01-01 was a Thursday
            if matches(day: date.day, month: date.month, weekday: weekday) {
                var hourValue = hour.first(atLeast: minuteOfDay / 60)
                var fromMinute = hourValue == minuteOfDay / 60 ? minuteOfDay % 60 : 0
                while let h = hourValue, h < 24 {
                    if let m = minute.first(atLeast: fromMinute) { return Int64(day) * 1440 + Int64(h * 60 + m) }
                    hourValue = hour.first(atLeast: h + 1)
                    fromMinute = 0
                }
            }
            day += 1
            minuteOfDay = 0
        }
        return nil
    }
}
