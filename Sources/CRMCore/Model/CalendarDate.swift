/// A day in the proleptic Gregorian calendar with no time and no zone: a birth date.
///
/// Parsed strictly from `YYYY-MM-DD` (year 0001–9999); impossible days such as 2023-02-29 are
/// rejected, never rolled over. Encoded as that same text by `Codable`.
///
/// ```swift
/// let born = try CalendarDate.parse("1980-02-29")   // a leap year, accepted
/// born.iso8601                                      // "1980-02-29"
/// ```
public struct CalendarDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The year, 1–9999 when parsed.
    public let year: Int
    /// The month, 1–12.
    public let month: Int
    /// The day of the month, 1–31.
    public let day: Int

    /// The date, or nil if it does not exist (month 13, 31 April, 29 February of a common year).
    public init?(year: Int, month: Int, day: Int) {
        guard month >= 1, month <= 12, day >= 1, day <= CivilCalendar.daysInMonth(year: year, month: month) else {
            return nil
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date of day number `daysSinceEpoch` (0 is 1970-01-01; negative days are before it).
    public init(daysSinceEpoch: Int) {
        (year, month, day) = CivilCalendar.date(days: daysSinceEpoch)
    }

    /// Days since 1970-01-01 (negative before it).
    public var daysSinceEpoch: Int {
        CivilCalendar.days(year: year, month: month, day: day)
    }

    /// `1980-02-29`.
    public var iso8601: String {
        CivilCalendar.format(year: year, month: month, day: day)
    }

    /// Same as `iso8601`.
    public var description: String { iso8601 }

    /// Parses exactly `YYYY-MM-DD`; no time, no spaces, no other separators. Empty throws `.empty`.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(ValueError) -> CalendarDate {
        let shape = "is not a date (expected YYYY-MM-DD)"
        try ValueParsers.requirePresent(bytes)
        let date = try parseDatePart(bytes, shapeReason: shape)
        guard bytes.count == 10 else { throw .invalid(bytes, shape) }
        return date
    }

    /// `parse` on the UTF-8 bytes of `text`.
    public static func parse(_ text: String) throws(ValueError) -> CalendarDate {
        try ValueParsers.withBytes(of: text) { bytes throws(ValueError) in try parse(bytes) }
    }

    /// Reads and range-checks the `YYYY-MM-DD` in the first ten bytes (what follows is the caller's
    /// business). `shapeReason` is the message when those bytes are not in that layout.
    static func parseDatePart(_ bytes: UnsafeRawBufferPointer, shapeReason: String) throws(ValueError) -> CalendarDate {
        guard bytes.count >= 10, bytes[4] == 0x2D, bytes[7] == 0x2D,
            let year = ValueParsers.digits(bytes, at: 0, count: 4),
            let month = ValueParsers.digits(bytes, at: 5, count: 2),
            let day = ValueParsers.digits(bytes, at: 8, count: 2)
        else { throw .invalid(bytes, shapeReason) }
        guard year >= 1 else { throw .invalid(bytes, "has year 0000 (expected 0001–9999)") }
        guard month >= 1, month <= 12 else {
            throw .invalid(bytes, "has month \(CivilCalendar.padded(month, width: 2)) (expected 01–12)")
        }
        let length = CivilCalendar.daysInMonth(year: year, month: month)
        guard let date = CalendarDate(year: year, month: month, day: day) else {
            throw .invalid(
                bytes,
                "has day \(CivilCalendar.padded(day, width: 2)), but \(monthNames[month - 1]) \(year) has \(length) days"
            )
        }
        return date
    }

    private static let monthNames = [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ]

    /// Earlier dates sort first.
    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Decodes the `YYYY-MM-DD` text written by `encode(to:)`, with the same strictness as `parse`.
    public init(from decoder: any Decoder) throws {
        self = try TextCoding.decode(decoder, what: "date") { text throws(ValueError) in try Self.parse(text) }
    }

    /// Encodes as `YYYY-MM-DD` text.
    public func encode(to encoder: any Encoder) throws {
        try TextCoding.encode(iso8601, to: encoder)
    }
}
