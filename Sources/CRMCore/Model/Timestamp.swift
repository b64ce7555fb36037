/// An instant in UTC, as whole microseconds since 1970-01-01T00:00:00Z.
///
/// Parsed strictly from ISO-8601 (`Timestamp.parse`): `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`
/// or a plain `YYYY-MM-DD` meaning midnight UTC. Comparison is by instant, so
/// `2024-12-21T09:00:00+10:00` sorts before `2024-12-21T00:30:00Z`. Calendar-day logic
/// (`utcDay`, `days(until:)`) uses the UTC date. Encoded as `iso8601` text by `Codable`.
///
/// ```swift
/// let t = try Timestamp.parse("2024-12-31T20:00:00+08:00")
/// t.iso8601                                  // "2024-12-31T12:00:00Z"
/// t.days(until: try Timestamp.parse("2025-01-01"))   // 1
/// ```
public struct Timestamp: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Microseconds since 1970-01-01T00:00:00Z; negative before it.
    public var microsecondsSinceEpoch: Int64

    static let microsecondsPerSecond: Int64 = 1_000_000
    static let microsecondsPerDay: Int64 = 86_400 * microsecondsPerSecond

    /// The instant `microsecondsSinceEpoch` microseconds after 1970-01-01T00:00:00Z.
    public init(microsecondsSinceEpoch: Int64) {
        self.microsecondsSinceEpoch = microsecondsSinceEpoch
    }

    /// Parses `text` like `parse`, or returns nil if it is not a valid timestamp.
    public init?(iso8601 text: String) {
        guard let parsed = try? Self.parse(text) else { return nil }
        self = parsed
    }

    /// Midnight UTC at the start of day `utcDay` (days since 1970-01-01).
    public static func fromUTCDay(_ utcDay: Int) -> Timestamp {
        Timestamp(microsecondsSinceEpoch: Int64(utcDay) * microsecondsPerDay)
    }

    /// Days since 1970-01-01 of this instant's UTC date (floor division: -1 is 1969-12-31).
    public var utcDay: Int {
        Int(CivilCalendar.floorDivide(microsecondsSinceEpoch, Self.microsecondsPerDay))
    }

    /// This instant's date in UTC.
    public var utcDate: CalendarDate {
        CalendarDate(daysSinceEpoch: utcDay)
    }

    /// Whole UTC calendar days from this instant's date to `other`'s date (negative if earlier).
    /// 23:59 to 00:01 the next day is 1 day.
    public func days(until other: Timestamp) -> Int {
        other.utcDay - utcDay
    }

    /// `2024-12-30T10:00:00Z`; a fraction only when non-zero, with 3 digits when the instant
    /// falls on a whole millisecond and 6 otherwise (`.123Z`, `.123456Z`).
    public var iso8601: String {
        let day = utcDay
        let microOfDay = microsecondsSinceEpoch - Int64(day) * Self.microsecondsPerDay
        let secondOfDay = Int(microOfDay / Self.microsecondsPerSecond)
        let micro = Int(microOfDay % Self.microsecondsPerSecond)
        let date = CivilCalendar.date(days: day)
        var out = CivilCalendar.format(year: date.year, month: date.month, day: date.day)
        out += "T" + CivilCalendar.padded(secondOfDay / 3600, width: 2)
        out += ":" + CivilCalendar.padded(secondOfDay / 60 % 60, width: 2)
        out += ":" + CivilCalendar.padded(secondOfDay % 60, width: 2)
        if micro != 0 {
            out += micro % 1000 == 0 ? "." + CivilCalendar.padded(micro / 1000, width: 3) : "." + CivilCalendar.padded(micro, width: 6)
        }
        return out + "Z"
    }

    /// Same as `iso8601`.
    public var description: String { iso8601 }

    /// Earlier instants sort first, whatever offset they were written with.
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.microsecondsSinceEpoch < rhs.microsecondsSinceEpoch
    }

    /// Parses one ISO-8601 instant, strictly:
    /// - `YYYY-MM-DDTHH:MM:SSZ` or with an offset `±HH:MM` (at most ±14:59; `+0800` and `+08` are
    ///   rejected, as is a missing offset, which would leave the instant ambiguous);
    /// - an optional fraction of 1–9 digits after the seconds, **truncated** to microseconds;
    /// - `YYYY-MM-DD` alone, meaning midnight UTC.
    ///
    /// Years 0001–9999, real calendar days only (2023-02-29 is rejected), hours 00–23, minutes and
    /// seconds 00–59 (a leap second `:60` is rejected). Upper-case `T` and `Z` only; no spaces.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(ValueError) -> Timestamp {
        let shape = "is not an ISO-8601 timestamp (expected YYYY-MM-DDTHH:MM:SSZ, an offset like +08:00, or YYYY-MM-DD)"
        try ValueParsers.requirePresent(bytes)
        let date = try CalendarDate.parseDatePart(bytes, shapeReason: shape)
        let count = bytes.count
        let midnight = Int64(date.daysSinceEpoch) * microsecondsPerDay
        if count == 10 { return Timestamp(microsecondsSinceEpoch: midnight) }

        if bytes[10] == 0x20 {
            throw .invalid(bytes, "has a space between date and time (write a T, e.g. 2023-12-31T10:00:00Z)")
        }
        guard bytes[10] == 0x54, count >= 19, bytes[13] == 0x3A, bytes[16] == 0x3A,
            let hour = ValueParsers.digits(bytes, at: 11, count: 2),
            let minute = ValueParsers.digits(bytes, at: 14, count: 2),
            let second = ValueParsers.digits(bytes, at: 17, count: 2)
        else { throw .invalid(bytes, shape) }
        guard hour <= 23 else { throw .invalid(bytes, "has hour \(hour) (expected 00–23)") }
        guard minute <= 59 else { throw .invalid(bytes, "has minute \(minute) (expected 00–59)") }
        guard second <= 59 else {
            throw .invalid(bytes, "has second \(second) (expected 00–59; leap seconds are not accepted)")
        }

        var index = 19
        var fraction: Int64 = 0
        if index < count, bytes[index] == 0x2E {
            index += 1
            let fractionStart = index
            while index < count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                if index - fractionStart < 6 { fraction = fraction * 10 + Int64(bytes[index] - 0x30) }
                index += 1
            }
            let fractionDigits = index - fractionStart
            guard fractionDigits >= 1, fractionDigits <= 9 else {
                throw .invalid(bytes, "has a fraction of a second with \(fractionDigits) digits (expected 1–9)")
            }
            if fractionDigits < 6 {
                for _ in fractionDigits ..< 6 { fraction *= 10 }
            }
        }

        let offsetSeconds = try parseOffset(bytes, at: index, shapeReason: shape)
        let secondOfDay = Int64(hour * 3600 + minute * 60 + second - offsetSeconds)
        return Timestamp(microsecondsSinceEpoch: midnight + secondOfDay * microsecondsPerSecond + fraction)
    }

    /// `parse` on the UTF-8 bytes of `text`.
    public static func parse(_ text: String) throws(ValueError) -> Timestamp {
        try ValueParsers.withBytes(of: text) { bytes throws(ValueError) in try parse(bytes) }
    }

    /// The offset east of UTC in seconds from `Z` or `±HH:MM` at `index`, which must end the value.
    private static func parseOffset(_ bytes: UnsafeRawBufferPointer, at index: Int, shapeReason: String) throws(ValueError) -> Int {
        let count = bytes.count
        guard index < count else {
            throw .invalid(bytes, "is missing a time zone offset (add Z or ±HH:MM)")
        }
        let sign = bytes[index]
        if sign == 0x5A, index + 1 == count { return 0 }
        guard sign == 0x2B || sign == 0x2D else { throw .invalid(bytes, shapeReason) }
        guard count - index == 6, bytes[index + 3] == 0x3A,
            let hours = ValueParsers.digits(bytes, at: index + 1, count: 2),
            let minutes = ValueParsers.digits(bytes, at: index + 4, count: 2)
        else {
            throw .invalid(bytes, "has a time zone offset not written as ±HH:MM (e.g. +08:00)")
        }
        guard hours <= 14, minutes <= 59 else {
            throw .invalid(bytes, "has a time zone offset out of range (at most ±14:59)")
        }
        let seconds = hours * 3600 + minutes * 60
        return sign == 0x2D ? -seconds : seconds
    }

    /// Decodes the ISO-8601 text written by `encode(to:)`, with the same strictness as `parse`.
    public init(from decoder: any Decoder) throws {
        self = try TextCoding.decode(decoder, what: "timestamp") { text throws(ValueError) in try Self.parse(text) }
    }

    /// Encodes as `iso8601` text, which parses back to the same microsecond.
    public func encode(to encoder: any Encoder) throws {
        try TextCoding.encode(iso8601, to: encoder)
    }
}
