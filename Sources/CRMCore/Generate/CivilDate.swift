/// A proleptic Gregorian date in UTC, converted to and from a count of days since 1970-01-01.
///
/// Use it to format timestamps without `DateFormatter`: the arithmetic is Howard Hinnant's
/// `days_from_civil` / `civil_from_days` (http://howardhinnant.github.io/date_algorithms.html),
/// exact for every day an `Int64` can count.
struct CivilDate: Equatable, Sendable {
    var year: Int64
    var month: Int64
    var day: Int64

    static let secondsPerDay: Int64 = 86_400

    /// The date `days` after 1970-01-01 (negative for earlier dates).
    init(daysSinceEpoch days: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    init(year: Int64, month: Int64, day: Int64) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Days from 1970-01-01 to this date.
    var daysSinceEpoch: Int64 {
        let marchYear = month <= 2 ? year - 1 : year
        let era = (marchYear >= 0 ? marchYear : marchYear - 399) / 400
        let yearOfEra = marchYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The day that contains the instant `seconds` after the epoch (floor division, so instants
    /// before 1970 land on the right day).
    static func day(containing seconds: Int64) -> Int64 {
        seconds >= 0 ? seconds / secondsPerDay : (seconds + 1) / secondsPerDay - 1
    }
}
