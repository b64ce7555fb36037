/// An amount of money: an integer count of minor units (cents) and a currency code.
///
/// Never `Double`. The number of minor-unit digits (the scale, 2 for EUR/USD) belongs to the
/// currency and is passed in by whoever knows it (the import configuration).
///
/// ```swift
/// let cents = try Money.parseMinorUnits("12.30", scale: 2)   // 1230
/// Money.formatMinorUnits(-5, scale: 2)                       // "-0.05"
/// ```
public struct Money: Hashable, Sendable, Codable {
    /// The amount in minor units, e.g. cents.
    public var minorUnits: Int64
    /// The currency code, e.g. `EUR`.
    public var currency: String

    /// An amount of `minorUnits` in `currency`.
    public init(minorUnits: Int64, currency: String) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// Parses a decimal with a dot into minor units at `scale` fractional digits.
    ///
    /// Accepts `12`, `12.3`, `12.30`, `0.99` and an optional leading `-` (whether negatives make
    /// sense is the caller's decision). Rejects `1,50`, `$1.50`, `.5`, `5.`, `1e3`, `NaN`, `inf`,
    /// `+1`, surrounding spaces, more fractional digits than `scale` (never rounds) and values
    /// beyond `Int64`. An empty field throws `.empty`.
    public static func parseMinorUnits(_ bytes: UnsafeRawBufferPointer, scale: Int) throws(ValueError) -> Int64 {
        try ValueParsers.requirePresent(bytes)
        return try DecimalText.parse(bytes, scale: scale, flavour: .decimal)
    }

    /// `parseMinorUnits` on the UTF-8 bytes of `text`.
    public static func parseMinorUnits(_ text: String, scale: Int) throws(ValueError) -> Int64 {
        try ValueParsers.withBytes(of: text) { bytes throws(ValueError) in try parseMinorUnits(bytes, scale: scale) }
    }

    /// Writes minor units as a decimal with exactly `scale` fractional digits: `1234` → `12.34`,
    /// `-5` → `-0.05`, scale 0 → no dot. A `scale` outside 0–18 is treated as 0.
    public static func formatMinorUnits(_ minorUnits: Int64, scale: Int) -> String {
        let digits = String(minorUnits.magnitude)
        let sign = minorUnits < 0 ? "-" : ""
        guard scale > 0, scale <= 18 else { return sign + digits }
        let padded = digits.count > scale ? digits : String(repeating: "0", count: scale + 1 - digits.count) + digits
        let split = padded.index(padded.endIndex, offsetBy: -scale)
        return sign + padded[..<split] + "." + padded[split...]
    }

    /// This amount as a decimal string with `scale` fractional digits (no currency).
    public func formatted(scale: Int) -> String {
        Self.formatMinorUnits(minorUnits, scale: scale)
    }
}
