/// What the follow-up actions of one segmentation run did (or, in a dry run, would do).
public struct FollowUpSummary: Sendable {
    /// One action firing for one customer.
    public struct Firing: Sendable {
        public enum Outcome: String, Sendable {
            case applied, heldOut = "held_out", skipped, failed
        }

        public var action: String
        public var customerID: String
        public var trigger: String
        public var outcome: Outcome
        /// The effects, in a dry run one line each (`task "Call back" for alice due 2025-01-03`),
        /// in a run only each one's kind (`task`); empty unless applied.
        public var effects: [String]
        /// Why it was skipped or how it failed.
        public var detail: String?
    }

    public var firings: [Firing] = []

    public func count(_ outcome: Firing.Outcome) -> Int { firings.count { $0.outcome == outcome } }

    /// Effects of each kind among applied firings, e.g. `task: 3`.
    public var effectCounts: [(kind: String, count: Int)] {
        var counts: [String: Int] = [:]
        for firing in firings where firing.outcome == .applied {
            for effect in firing.effects { counts[String(effect.prefix { $0 != " " }), default: 0] += 1 }
        }
        return counts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
