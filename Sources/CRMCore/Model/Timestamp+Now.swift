import Foundation

extension Timestamp {
    /// The current instant from the system clock. Computations take an explicit as-of instant
    /// instead; this is for recording when a run started.
    public static func now() -> Timestamp {
        Timestamp(microsecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1_000_000).rounded()))
    }
}
