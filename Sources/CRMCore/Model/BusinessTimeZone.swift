import Foundation

/// The zone in which a business counts its calendar days: recency days, profile windows, age,
/// "ordered today", and the outbox's days and quiet hours. One per database (`crm init
/// --timezone`), UTC by default. Only IANA names (`Asia/Shanghai`, `Europe/Berlin`) and `UTC`
/// are accepted: abbreviations such as `CST` or `EST` mean different zones to different people.
///
/// ```swift
/// let shanghai = try BusinessTimeZone("Asia/Shanghai")
/// let days = shanghai.dayCounter()
/// days.day(of: try Timestamp.parse("2024-12-31T20:00:00Z"))   // the local date is 2025-01-01
/// ```
public struct BusinessTimeZone: Sendable, Equatable, CustomStringConvertible {
    /// The IANA name (`UTC` for the default).
    public let identifier: String

    public static let utc = BusinessTimeZone(checked: "UTC")

    /// A zone by IANA name; throws for anything else, naming the value.
    public init(_ identifier: String) throws {
        guard identifier == "UTC" || Self.knownIdentifiers.contains(identifier), TimeZone(identifier: identifier) != nil else {
            let suggestion = NameSuggestion.closest(to: identifier, among: TimeZone.knownTimeZoneIdentifiers.sorted()).map { " (did you mean \($0)?)" } ?? ""
            throw CRMError.invalidArgument(
                "time zone \"\(identifier)\" is not an IANA time zone name such as Asia/Shanghai, Europe/Berlin or UTC\(suggestion)")
        }
        self.identifier = identifier
    }

    private init(checked identifier: String) {
        self.identifier = identifier
    }

    private static let knownIdentifiers = Set(TimeZone.knownTimeZoneIdentifiers)

    public var description: String { identifier }

    var foundationZone: TimeZone { TimeZone(identifier: identifier) ?? TimeZone(secondsFromGMT: 0)! }

    /// Counts local calendar days of instants quickly (a profile build asks millions of times).
    public func dayCounter() -> DayCounter {
        DayCounter(zone: identifier == "UTC" ? nil : foundationZone)
    }
}

/// Local calendar days of instants in one zone, from a table of the zone's offset changes
/// between 1900 and 2200, so counting a day is a binary search instead of a Foundation call.
public struct DayCounter: Sendable {
    /// Instants (µs) from which `offsets[i + 1]` applies; `offsets[0]` applies before the first.
    private let changes: [Int64]
    /// Offsets from UTC in µs.
    private let offsets: [Int64]

    init(zone: TimeZone?) {
        guard let zone else {
            changes = []
            offsets = [0]
            return
        }
        let start = Date(timeIntervalSince1970: -2_208_988_800)  // 1900-01-01
        let end = Date(timeIntervalSince1970: 7_258_118_400)  // 2200-01-01
        var changes: [Int64] = []
        var offsets = [Int64(zone.secondsFromGMT(for: start)) * 1_000_000]
        var cursor = start
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next < end {
            let offset = Int64(zone.secondsFromGMT(for: next)) * 1_000_000
            if offset != offsets.last {
                changes.append(Int64((next.timeIntervalSince1970 * 1_000_000).rounded()))
                offsets.append(offset)
            }
            cursor = next
        }
        self.changes = changes
        self.offsets = offsets
    }

    /// Days since 1970-01-01 of the local date of `microseconds` since the epoch.
    public func day(ofMicroseconds microseconds: Int64) -> Int {
        Int(CivilCalendar.floorDivide(microseconds + offset(at: microseconds), Timestamp.microsecondsPerDay))
    }

    public func day(of instant: Timestamp) -> Int {
        day(ofMicroseconds: instant.microsecondsSinceEpoch)
    }

    /// Whole calendar days from `start`'s local date to `end`'s (negative if earlier).
    public func days(from start: Timestamp, to end: Timestamp) -> Int {
        day(of: end) - day(of: start)
    }

    /// The first second of local day `day` (days since 1970-01-01 in this zone).
    public func start(ofDay day: Int) -> Timestamp {
        // Offsets are within ±15 hours: search that range around midnight UTC, by the second.
        let second: Int64 = 1_000_000
        let midnightUTC = Int64(day) * Timestamp.microsecondsPerDay
        var low = (midnightUTC - 15 * 3600 * second) / second
        var high = (midnightUTC + 15 * 3600 * second) / second
        while low < high {
            let middle = (low + high) / 2
            if self.day(ofMicroseconds: middle * second) >= day { high = middle } else { low = middle + 1 }
        }
        return Timestamp(microsecondsSinceEpoch: low * second)
    }

    /// The local date of `instant`.
    public func date(of instant: Timestamp) -> CalendarDate {
        CalendarDate(daysSinceEpoch: day(of: instant))
    }

    private func offset(at microseconds: Int64) -> Int64 {
        guard !changes.isEmpty else { return offsets[0] }
        // The number of changes at or before `microseconds`.
        var low = 0
        var high = changes.count
        while low < high {
            let middle = (low + high) / 2
            if changes[middle] <= microseconds { low = middle + 1 } else { high = middle }
        }
        return offsets[low]
    }
}
