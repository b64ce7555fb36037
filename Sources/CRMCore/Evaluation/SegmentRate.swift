/// What the members of one segment did in a window after an as-of.
///
/// Repurchased: at least one order in the window. Churned: had ordered by the as-of and did not
/// order in the window (a customer who never ordered cannot churn). See `docs/decisions.md`.
public struct SegmentRate: Sendable, Equatable {
    public let segment: String
    public let customers: Int
    public let repurchased: Int
    public let churned: Int
    /// Revenue of the members' orders in the window, in currency units.
    public let revenue: Double

    public var repurchaseRate: Double { customers == 0 ? 0 : Double(repurchased) / Double(customers) }
    public var churnRate: Double { customers == 0 ? 0 : Double(churned) / Double(customers) }
    public var revenuePerMember: Double { customers == 0 ? 0 : revenue / Double(customers) }

    /// Rates of every segment of `segments` (in that order, empty ones included) for customers
    /// given as (customer key, segment).
    static func measure(
        _ members: some Sequence<(Int64, String)>, segments: [String], activity: [Int64: WindowActivity], scale: Int
    ) -> [SegmentRate] {
        var order = segments
        var counts: [String: (customers: Int, repurchased: Int, churned: Int, revenue: Int64)] = [:]
        for (pk, segment) in members {
            if counts[segment] == nil, !order.contains(segment) { order.append(segment) }
            let done = activity[pk] ?? WindowActivity()
            var count = counts[segment] ?? (0, 0, 0, 0)
            count.customers += 1
            if done.orders > 0 { count.repurchased += 1 } else if done.orderedBefore { count.churned += 1 }
            count.revenue += done.revenue
            counts[segment] = count
        }
        let unit = (0..<scale).reduce(1.0) { value, _ in value * 10 }
        return order.map { segment in
            let count = counts[segment] ?? (0, 0, 0, 0)
            return SegmentRate(
                segment: segment, customers: count.customers, repurchased: count.repurchased, churned: count.churned,
                revenue: Double(count.revenue) / unit)
        }
    }

    /// How well the segments separate customers who bought again from those who did not: the
    /// AUC of scoring every customer with their segment's observed repurchase rate (0.5: no
    /// separation, 1: perfect). Nil when nobody, or everybody, bought again.
    public static func separation(_ rates: [SegmentRate]) -> Double? {
        let positives = rates.reduce(0) { $0 + $1.repurchased }
        let negatives = rates.reduce(0) { $0 + $1.customers - $1.repurchased }
        guard positives > 0, negatives > 0 else { return nil }
        var wins = 0.0
        for a in rates where a.repurchased > 0 {
            for b in rates {
                let losers = Double(b.customers - b.repurchased)
                if a.repurchaseRate > b.repurchaseRate {
                    wins += Double(a.repurchased) * losers
                } else if a.repurchaseRate == b.repurchaseRate {
                    wins += 0.5 * Double(a.repurchased) * losers
                }
            }
        }
        return wins / (Double(positives) * Double(negatives))
    }
}
