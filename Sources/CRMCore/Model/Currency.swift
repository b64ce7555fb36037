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

    /// Accepts an ISO 4217 code in any case (`eur` is `EUR`); the scale follows ISO 4217.
    public init(code: String) throws {
        let upper = code.uppercased()
        guard upper.utf8.count == 3, upper.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) else {
            throw CRMError.invalidArgument("\"\(code)\" is not a currency code (three letters, e.g. USD or EUR)")
        }
        guard let scale = ISO4217.scale(of: upper) else {
            throw CRMError.invalidArgument("\"\(code)\" is not an ISO 4217 currency code (e.g. USD, EUR, JPY, GBP)")
        }
        self.code = upper
        self.scale = scale
    }

    public var description: String { code }
}
