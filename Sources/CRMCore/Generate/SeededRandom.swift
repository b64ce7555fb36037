/// The generator's only source of randomness: xoshiro256** seeded through SplitMix64.
///
/// Every customer gets its own stream derived from `(seed, customer id)`, so a customer's rows do
/// not depend on how many customers come before or after it, and a smaller data set is a prefix
/// of a larger one with the same seed. Continuous draws use only `+ - * /` and `sqrt` (exactly
/// rounded in IEEE 754), never libm's `exp`/`log`, whose last bit may differ between platforms:
/// the same options must give byte-identical files everywhere.
struct SeededRandom {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    init(seed: UInt64, stream: UInt64) {
        var splitMix = Self.mix(seed) &+ stream &* 0x9E37_79B9_7F4A_7C15
        func nextSplitMix() -> UInt64 {
            splitMix = splitMix &+ 0x9E37_79B9_7F4A_7C15
            return Self.mix(splitMix)
        }
        s0 = nextSplitMix()
        s1 = nextSplitMix()
        s2 = nextSplitMix()
        s3 = nextSplitMix()
    }

    /// SplitMix64's finaliser: a bijection that spreads every input bit over the output.
    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next() -> UInt64 {
        let result = (s1 &* 5).rotatedLeft(by: 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3.rotatedLeft(by: 45)
        return result
    }

    /// A uniform integer in `0..<bound` (Lemire's multiply-and-reject, no modulo bias).
    mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let limit = UInt64(bound)
        var product = next().multipliedFullWidth(by: limit)
        if product.low < limit {
            let threshold = (0 &- limit) % limit
            while product.low < threshold {
                product = next().multipliedFullWidth(by: limit)
            }
        }
        return Int(product.high)
    }

    /// A uniform integer in `range`.
    mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// A uniform `Double` in `[0, 1)` with 53 random bits.
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// `true` with probability `probability`.
    mutating func chance(_ probability: Double) -> Bool {
        unit() < probability
    }

    /// An index into `weights`, each chosen in proportion to its weight.
    mutating func pick(weights: [Int]) -> Int {
        var remaining = below(weights.reduce(0, +))
        for (index, weight) in weights.enumerated() {
            if remaining < weight { return index }
            remaining -= weight
        }
        return weights.count - 1
    }

    /// An approximately standard normal draw: the Irwin–Hall sum of twelve uniforms, minus six.
    /// Bounded to ±6, which keeps every derived quantity finite.
    mutating func normal() -> Double {
        var sum = 0.0
        for _ in 0..<12 { sum += unit() }
        return sum - 6
    }

    /// A log-normal draw with the given median and shape: `median × e^(sigma × normal)`.
    mutating func logNormal(median: Double, sigma: Double) -> Double {
        median * Self.exponential(sigma * normal())
    }

    /// `e^x` by range reduction to `[-ln2/2, ln2/2]` and a degree-12 Taylor polynomial, using only
    /// exactly rounded operations so the result is the same on every platform.
    static func exponential(_ x: Double) -> Double {
        let ln2 = 0.693_147_180_559_945_3
        let k = (x / ln2).rounded()
        let r = x - k * ln2
        var term = 1.0
        var sum = 1.0
        for n in 1...12 {
            term = term * r / Double(n)
            sum += term
        }
        var scale = 1.0
        let factor = k >= 0 ? 2.0 : 0.5
        for _ in 0..<Int(k.magnitude) { scale *= factor }
        return sum * scale
    }
}

extension UInt64 {
    fileprivate func rotatedLeft(by count: UInt64) -> UInt64 {
        (self << count) | (self >> (64 - count))
    }
}
