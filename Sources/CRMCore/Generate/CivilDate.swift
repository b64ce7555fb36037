/// A proleptic Gregorian date in UTC, converted to and from a count of days since 1970-01-01.
///
/// Use it to format timestamps without `DateFormatter`; the arithmetic is `CivilCalendar`'s.
struct CivilDate: Equatable, Sendable {
    var year: Int64
    var month: Int64
    var day: Int64

    static let secondsPerDay: Int64 = 86_400

    /// The date `days` after 1970-01-01 (negative for earlier dates).
    init(daysSinceEpoch days: Int64) {
        let date = CivilCalendar.date(days: Int(days))
        self.init(year: Int64(date.year), month: Int64(date.month), day: Int64(date.day))
    }

    init(year: Int64, month: Int64, day: Int64) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Days from 1970-01-01 to this date.
    var daysSinceEpoch: Int64 {
        Int64(CivilCalendar.days(year: Int(year), month: Int(month), day: Int(day)))
    }

    /// The day that contains the instant `seconds` after the epoch (floor division, so instants
    /// before 1970 land on the right day).
    static func day(containing seconds: Int64) -> Int64 {
        CivilCalendar.floorDivide(seconds, secondsPerDay)
    }
}
