/// How the rows of `orders.csv` and `interactions.csv` are ordered.
public enum RowOrder: String, CaseIterable, Sendable {
    /// Grouped by customer (ids ascending), each customer's rows in time order: the default, and
    /// the fastest to write.
    case customer
    /// In time order across customers (ties by row id), as shops and CRMs export them: the same
    /// rows with the same ids as `customer`, customers interleaved.
    case chronological
}

/// What `SyntheticDataSet.write` generates: how many customers, from which seed, as of when.
///
/// ```swift
/// let options = GeneratorOptions(customers: 1_000, seed: 42)
/// let counts = try SyntheticDataSet.write(options: options, to: URL(fileURLWithPath: "data"))
/// ```
public struct GeneratorOptions: Sendable, Equatable {
    /// Customers to generate, with ids `1...customers`. Zero writes header-only files.
    public var customers: Int
    /// The same seed (and other options) always gives byte-identical files.
    public var seed: UInt64
    /// The data's "now" in microseconds since 1970-01-01T00:00:00Z: no customer, order or
    /// interaction is later, and ten years of history lie before it.
    public var asOf: Int64
    /// The order of the rows in the orders and interactions files; `customers.csv` is always in
    /// id order.
    public var order: RowOrder

    /// 2025-01-01T00:00:00Z.
    public static let defaultAsOf: Int64 = 1_735_689_600_000_000
    /// Prices and amounts are written with two decimals (cents, like USD or EUR).
    public static let minorUnitScale = 2
    /// The earliest supported as-of, 1990-01-01T00:00:00Z, keeps birth dates after 1900.
    public static let earliestAsOf: Int64 = 631_152_000_000_000
    /// The latest supported as-of, 9000-01-01T00:00:00Z, keeps every year four digits long.
    public static let latestAsOf: Int64 = 221_845_392_000_000_000

    public init(customers: Int, seed: UInt64 = 1, asOf: Int64 = GeneratorOptions.defaultAsOf, order: RowOrder = .customer) {
        self.customers = customers
        self.seed = seed
        self.asOf = asOf
        self.order = order
    }

    /// The as-of instant in whole seconds (the generator's resolution).
    var asOfSeconds: Int64 {
        asOf / 1_000_000
    }

    func validate() throws(SyntheticDataError) {
        guard customers >= 0 else {
            throw .invalidOptions("the number of customers must be 0 or more, not \(customers)")
        }
        guard (Self.earliestAsOf...Self.latestAsOf).contains(asOf) else {
            throw .invalidOptions(
                "as-of must lie between 1990-01-01T00:00:00Z and 9000-01-01T00:00:00Z, not \(asOf) microseconds since 1970"
            )
        }
    }
}
