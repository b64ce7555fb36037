/// Proleptic Gregorian calendar arithmetic on day numbers (days since 1970-01-01), after
/// Howard Hinnant's `days_from_civil` / `civil_from_days`. Used instead of Foundation's
/// `Calendar`, which is slow on the import path and rolls impossible dates over.
enum CivilCalendar {
    /// Whether `year` has a 29 February.
    static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    /// Number of days in `month` (1–12) of `year`.
    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a valid civil date.
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date of a day number.
    static func date(days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    static let secondsPerDay: Int64 = 86_400

    /// The day number that contains the instant `seconds` after the epoch (floor division, so
    /// instants before 1970 land on the right day).
    static func day(containingSecond seconds: Int64) -> Int64 {
        floorDivide(seconds, secondsPerDay)
    }

    /// Floor division, so instants before 1970 fall on the right day.
    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }

    /// `2024-02-09`: a zero-padded date with at least four year digits.
    static func format(year: Int, month: Int, day: Int) -> String {
        // Years 0–9999 (every date a file or a plugin gives): ten bytes, one small string. A
        // field of dates at 1M customers formats 650k of them per run.
        if year >= 0, year <= 9999, (1...12).contains(month), (1...31).contains(day) {
            return String(unsafeUninitializedCapacity: 10) { bytes in
                func digit(_ value: Int) -> UInt8 { UInt8(truncatingIfNeeded: value) &+ 0x30 }
                bytes[0] = digit(year / 1000)
                bytes[1] = digit(year / 100 % 10)
                bytes[2] = digit(year / 10 % 10)
                bytes[3] = digit(year % 10)
                bytes[4] = 0x2D
                bytes[5] = digit(month / 10)
                bytes[6] = digit(month % 10)
                bytes[7] = 0x2D
                bytes[8] = digit(day / 10)
                bytes[9] = digit(day % 10)
                return 10
            }
        }
        var out = year < 0 ? "-" : ""
        out += padded(abs(year), width: 4)
        out += "-" + padded(month, width: 2) + "-" + padded(day, width: 2)
        return out
    }

    /// `value` in decimal, left-padded with zeros to `width`.
    static func padded(_ value: Int, width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
