import Foundation

/// The difference of two proportions (treated minus held out) with a 95% confidence interval
/// by Newcombe's hybrid score method (his method 10: Wilson intervals of each proportion
/// combined). Unlike the plain normal (Wald) interval it stays inside [-1, 1] and keeps its
/// coverage for the small holdouts and rates near 0 or 1 that follow-ups produce.
public struct ProportionDifference: Sendable, Equatable {
    public let difference: Double
    public let lower: Double
    public let upper: Double

    static let z = 1.959963984540054

    /// Nil when either group is empty.
    public init?(successes a: Int, of n: Int, against b: Int, of m: Int) {
        guard n > 0, m > 0 else { return nil }
        let p1 = Double(a) / Double(n)
        let p2 = Double(b) / Double(m)
        let (l1, u1) = Self.wilson(a, n)
        let (l2, u2) = Self.wilson(b, m)
        difference = p1 - p2
        lower = difference - ((p1 - l1) * (p1 - l1) + (u2 - p2) * (u2 - p2)).squareRoot()
        upper = difference + ((u1 - p1) * (u1 - p1) + (p2 - l2) * (p2 - l2)).squareRoot()
    }

    /// The Wilson score interval of `successes` out of `n`.
    static func wilson(_ successes: Int, _ n: Int) -> (Double, Double) {
        let p = Double(successes) / Double(n)
        let total = Double(n)
        let z2 = z * z
        let centre = (p + z2 / (2 * total)) / (1 + z2 / total)
        let half = z / (1 + z2 / total) * (p * (1 - p) / total + z2 / (4 * total * total)).squareRoot()
        return (max(0, centre - half), min(1, centre + half))
    }
}
