import Foundation

/// A cron expression in an IANA time zone: the instants at which a job is due.
///
/// Daylight saving (documented in `docs/decisions.md`):
/// - a wall-clock time that does not exist (spring forward) runs at the first instant after
///   the gap, so a 02:30 job runs once, at 03:00 local time;
/// - a wall-clock time that occurs twice (fall back) runs at its first occurrence only, unless
///   the minute or hour field starts with `*` (Vixie's "wildcard" jobs such as `*/15 * * * *`),
///   which run at every instant whose local time matches.
///
/// ```swift
/// let nightly = try CronSchedule("30 2 * * *", timeZone: "Europe/Berlin")
/// nightly.next(after: try Timestamp.parse("2025-03-30T00:00:00Z"))   // 2025-03-30T01:00:00Z
/// ```
public struct CronSchedule: Sendable, Equatable {
    public let expression: CronExpression
    public let timeZone: TimeZone
    /// The time zone's name as given (Foundation calls UTC "GMT").
    public let zoneName: String

    public init(_ expression: String, timeZone identifier: String = "UTC") throws(CronError) {
        self.expression = try CronExpression(expression)
        guard let zone = TimeZone(identifier: identifier), identifier.contains("/") || identifier == "UTC" || identifier == "GMT" else {
            throw CronError(
                expression: expression, field: "time zone",
                message: "\"\(identifier)\" is not an IANA time zone name (like \"UTC\" or \"Europe/Berlin\")")
        }
        timeZone = zone
        zoneName = identifier
    }

    /// The first due instant strictly after `after`, or nil if there is none within 30 years.
    public func next(after: Timestamp) -> Timestamp? {
        let afterSecond = CivilCalendar.floorDivide(after.microsecondsSinceEpoch, Timestamp.microsecondsPerSecond)
        // A fall-back soon after `after` turns the clock back: earlier local times come again.
        let slack: Int64 = offset(at: afterSecond) == offset(at: afterSecond + 86_400) ? 0 : 3 * 3600
        let startMinute = CivilCalendar.floorDivide(afterSecond + offset(at: afterSecond) - slack, 60)
        var best: Int64?
        var stopAt = Int64.max
        var cursor = startMinute
        while cursor <= stopAt, let local = expression.firstMatch(atOrAfter: cursor) {
            if local > stopAt { break }
            for instant in instants(ofLocal: local * 60) where instant * Timestamp.microsecondsPerSecond > after.microsecondsSinceEpoch {
                if best.map({ instant < $0 }) ?? true { best = instant }
            }
            if best != nil {
                if slack == 0 { break }
                // Candidates up to three hours of local time later may still come earlier.
                if stopAt == .max { stopAt = local + slack / 60 }
            }
            cursor = local + 1
        }
        return best.map { Timestamp(microsecondsSinceEpoch: $0 * Timestamp.microsecondsPerSecond) }
    }

    /// The latest due instant in `(after, notAfter]`, or nil: the one slot a scheduler catches
    /// up when it missed several.
    public func latest(after: Timestamp, notAfter: Timestamp) -> Timestamp? {
        guard after < notAfter else { return nil }
        // Look back a day, then a month, then a year, then all the way: few steps for any schedule.
        for days: Int64 in [1, 32, 367, .max] {
            let window = days == .max ? Int64.min : notAfter.microsecondsSinceEpoch - days * Timestamp.microsecondsPerDay
            var cursor = Timestamp(microsecondsSinceEpoch: max(after.microsecondsSinceEpoch, window))
            var found: Timestamp?
            while let slot = next(after: cursor), slot <= notAfter {
                found = slot
                cursor = slot
            }
            if let found { return found }
            if window <= after.microsecondsSinceEpoch { return nil }
        }
        return nil
    }

    /// The next `count` due instants after `after`.
    public func upcoming(after: Timestamp, count: Int) -> [Timestamp] {
        var result: [Timestamp] = []
        var cursor = after
        while result.count < count, let slot = next(after: cursor) {
            result.append(slot)
            cursor = slot
        }
        return result
    }

    // MARK: Local time to instants

    private func offset(at second: Int64) -> Int64 {
        Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(second))))
    }

    /// The instants (seconds) at which the wall clock reads `local` (seconds since
    /// 1970-01-01T00:00 local) and should fire: one normally; the end of the gap for a time
    /// that does not exist; the first (or, for wildcard times, both) of a repeated time.
    func instants(ofLocal local: Int64) -> [Int64] {
        let offsets = Set([offset(at: local - 86_400), offset(at: local), offset(at: local + 86_400)])
        let valid = offsets.map { local - $0 }.filter { offset(at: $0) == local - $0 }.sorted()
        if valid.isEmpty { return gapEnd(local: local, offsets: offsets).map { [$0] } ?? [] }
        return expression.isWildcardTime ? valid : [valid[0]]
    }

    /// The instant the clock jumped over `local`: found by bisection between the readings
    /// with the offsets before and after the jump.
    private func gapEnd(local: Int64, offsets: Set<Int64>) -> Int64? {
        guard let largest = offsets.max(), let smallest = offsets.min(), largest != smallest else { return nil }
        var low = local - largest  // still before the jump
        var high = local - smallest  // already after it
        let before = offset(at: low)
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if offset(at: middle) == before { low = middle } else { high = middle }
        }
        return high
    }
}
