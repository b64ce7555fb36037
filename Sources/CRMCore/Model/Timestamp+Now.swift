import Foundation

extension Timestamp {
    /// The current instant from the system clock. Computations take an explicit as-of instant
    /// instead; this is for recording when a run started.
    public static func now() -> Timestamp {
        Timestamp(microsecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1_000_000).rounded()))
    }
}

extension Timestamp {
    /// The same instant as a Foundation `Date`, for time-zone calendar arithmetic.
    var date: Date { Date(timeIntervalSince1970: Double(microsecondsSinceEpoch) / 1_000_000) }

    init(date: Date) {
        self.init(microsecondsSinceEpoch: Int64((date.timeIntervalSince1970 * 1_000_000).rounded()))
    }
}
