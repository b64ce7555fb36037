extension Timestamp {
    /// The instant truncated to its second: `2025-01-01T02:30:00Z`, the one format job history
    /// and the scheduler print (cron slots are whole minutes; run times need no more).
    public var secondsISO8601: String {
        let micros = CivilCalendar.floorDivide(microsecondsSinceEpoch, Self.microsecondsPerSecond) * Self.microsecondsPerSecond
        return Timestamp(microsecondsSinceEpoch: micros).iso8601
    }
}
