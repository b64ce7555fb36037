import Foundation

/// Database-wide rules for the outbox: frequency caps, quiet hours, the business time zone they
/// are counted in, and how often a failing delivery is retried. Stored in `settings`; changed
/// with `crm outbox config`.
public struct OutboxSettings: Sendable, Equatable {
    /// Messages per customer per channel per business day; nil for no cap.
    public var dailyCap: Int?
    /// Messages per customer per channel per business week (Monday to Sunday); nil for no cap.
    public var weeklyCap: Int?
    /// Minutes after local midnight when quiet hours start and end (`21:00-08:00`); nil for none.
    public var quietHours: QuietHours?
    /// IANA name of the zone days, weeks and quiet hours are counted in.
    public var timeZone: String
    /// Attempts before a message is dead.
    public var maxAttempts: Int
    /// The wait after the first failure; doubled after each further one.
    public var backoffSeconds: Int

    public static let standard = OutboxSettings(
        dailyCap: nil, weeklyCap: nil, quietHours: nil, timeZone: "UTC", maxAttempts: 5, backoffSeconds: 60)

    /// A daily window in which non-transactional messages are held.
    public struct QuietHours: Sendable, Equatable, CustomStringConvertible {
        public var start: Int
        public var end: Int

        /// Parses `HH:MM-HH:MM`.
        public init(parsing text: String) throws {
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            func minutes(_ part: Substring) -> Int? {
                let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
                guard pieces.count == 2, pieces.allSatisfy({ $0.count == 2 }), let hour = Int(pieces[0]), let minute = Int(pieces[1]),
                    (0...23).contains(hour), (0...59).contains(minute)
                else { return nil }
                return hour * 60 + minute
            }
            guard parts.count == 2, let start = minutes(parts[0]), let end = minutes(parts[1]), start != end else {
                throw CRMError.invalidArgument("quiet hours \"\(text)\" are not HH:MM-HH:MM with two different times (e.g. 21:00-08:00)")
            }
            self.start = start
            self.end = end
        }

        public var description: String {
            String(format: "%02d:%02d-%02d:%02d", start / 60, start % 60, end / 60, end % 60)
        }

        func contains(minute: Int) -> Bool {
            start < end ? (start..<end).contains(minute) : minute >= start || minute < end
        }
    }

    /// The zone as Foundation knows it; an unknown name is refused when it is set.
    var zone: TimeZone { TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")! }

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        calendar.firstWeekday = 2
        return calendar
    }

    /// The start of the business day and of the business week that contain `instant`.
    func periodStarts(containing instant: Timestamp) -> (day: Timestamp, week: Timestamp) {
        let date = instant.date
        let day = calendar.startOfDay(for: date)
        let week = calendar.dateInterval(of: .weekOfYear, for: date)?.start ?? day
        return (Timestamp(date: day), Timestamp(date: week))
    }

    /// When quiet hours that hold `instant` end; nil when `instant` is outside them.
    func quietHoursEnd(after instant: Timestamp) -> Timestamp? {
        guard let quietHours else { return nil }
        let components = calendar.dateComponents([.hour, .minute], from: instant.date)
        let minute = (components.hour ?? 0) * 60 + (components.minute ?? 0)
        guard quietHours.contains(minute: minute) else { return nil }
        let next = calendar.nextDate(
            after: instant.date, matching: DateComponents(hour: quietHours.end / 60, minute: quietHours.end % 60, second: 0),
            matchingPolicy: .nextTime)
        return next.map(Timestamp.init(date:))
    }
}
