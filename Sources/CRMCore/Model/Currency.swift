/// An ISO 4217 currency and the number of decimal places of its minor unit.
///
/// Every amount in one database is in one currency, chosen at `crm init --currency`.
public struct Currency: Hashable, Sendable, CustomStringConvertible {
    /// The three-letter code, e.g. `USD`.
    public let code: String
    /// Digits after the decimal point: 2 for USD (cents), 0 for JPY, 3 for KWD.
    public let scale: Int

    /// The currency used when `crm init` is not told otherwise.
    public static let defaultCode = "USD"

    private static let zeroDecimal: Set<String> = [
        "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND",
        "VUV", "XAF", "XOF", "XPF",
    ]
    private static let threeDecimal: Set<String> = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"]

    /// Accepts a three-letter upper-case code; the scale follows ISO 4217 (2 unless listed).
    public init(code: String) throws {
        guard code.utf8.count == 3, code.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) else {
            throw CRMError.invalidArgument("\"\(code)\" is not a currency code (three capital letters, e.g. USD or EUR)")
        }
        self.code = code
        if Currency.zeroDecimal.contains(code) {
            scale = 0
        } else if Currency.threeDecimal.contains(code) {
            scale = 3
        } else {
            scale = 2
        }
    }

    public var description: String { code }
}
