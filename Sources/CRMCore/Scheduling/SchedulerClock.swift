import Foundation

/// Where the scheduler's "now" comes from, so tests (and `--now`) control time.
public protocol SchedulerClock: Sendable {
    func now() -> Timestamp
}

/// The system clock, optionally shifted so that it read `start` when created (`crm scheduler
/// --now T`: time then runs at its normal speed from T).
public struct SystemClock: SchedulerClock {
    private let offset: Int64

    public init(startingAt start: Timestamp? = nil) {
        offset = start.map { $0.microsecondsSinceEpoch - Timestamp.now().microsecondsSinceEpoch } ?? 0
    }

    public func now() -> Timestamp {
        Timestamp(microsecondsSinceEpoch: Timestamp.now().microsecondsSinceEpoch + offset)
    }
}

/// A clock that always reads the same instant, for tests of what is due when.
public struct FixedClock: SchedulerClock {
    public let instant: Timestamp
    public init(_ instant: Timestamp) { self.instant = instant }
    public func now() -> Timestamp { instant }
}
