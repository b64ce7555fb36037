/// Every customer's profile as of one instant, column by column (one array per value), so a
/// million customers fit in a few hundred bytes each and a run reads them in order.
///
/// Built by `ProfileBuilder`; read by the segmentation engine, which hands one customer at a
/// time to Lua as a read-only table (see `ProfileField` for the names plugins see).
public struct ProfileTable: Sendable {
    /// The instant the profiles describe; orders and interactions after it are ignored.
    public let asOf: Timestamp
    /// Decimal places of the currency, to turn minor units into amounts.
    public let currencyScale: Int
    /// The window columns and top-categories length: the union of the plugins' declarations.
    public let shape: ProfileShape
    /// The zone whose calendar days the day counts and windows count.
    public let timeZone: BusinessTimeZone
    /// As-of's date in that zone (`p.as_of_date`).
    public let asOfDate: CalendarDate
    /// Counts calendar days in that zone.
    public let dayCounter: DayCounter

    /// Where the rows came from: built, read from the kept profile (`KeptProfileStore`), or read
    /// from it with the rows of the customers changed since built again.
    public enum Origin: Equatable, Sendable {
        case built
        case kept
        case patched(customers: Int)
    }

    public internal(set) var origin = Origin.built
    public var wasKept: Bool { origin == .kept }
    /// Set when the table may be kept (`CRMDatabase.keep(_:)`): read from the kept one, or built
    /// by a request that asked to keep it.
    var keeping: KeptProfileStore.Ticket?
    /// Taken before the rows were read, by a request that will write rows referring to these
    /// customers (`CRMDatabase.write(trustingCustomersSince:)`).
    var customerStamp: CRMDatabase.CustomerStamp?

    var pks: [Int64] = []
    public internal(set) var ids: [String] = []
    var city = TextColumn()
    var industry = TextColumn()
    var companySize = TextColumn()
    var gender = TextColumn()
    var occupation = TextColumn()
    /// Whole years of age at as-of; -1 when the birth date is unknown or not a date.
    var ageYears: [Int16] = []
    /// Days from sign-up (or the first order when sign-up is unknown) to as-of; -1 if unknown.
    var tenureDays: [Int32] = []
    var orderCount: [Int32] = []
    /// Sum of amounts in minor units.
    var monetary: [Int64] = []
    /// Returns (order lines with a negative amount) and their total, in minor units (positive).
    var returnsCount: [Int32] = []
    var returnedAmount: [Int64] = []
    var maxOrderAmount: [Int64] = []
    var maxOrderQuantity: [Int32] = []
    /// Calendar days (in the business time zone) from the first / last order's date to as-of's
    /// date; -1 without orders.
    var daysSinceFirstOrder: [Int32] = []
    var recencyDays: [Int32] = []
    /// Median and last gap between consecutive orders, in days (fractional); NaN below 2 orders.
    var medianDaysBetweenOrders: [Float] = []
    var lastDaysBetweenOrders: [Float] = []
    /// Purchases and net revenue (minor units) per `shape.orderWindows` / `revenueWindows`,
    /// customer-major.
    var orderWindowCounts: [Int32] = []
    var revenueWindowSums: [Int64] = []
    /// Up to `shape.topCategories` categories by order count, comma-separated.
    var topCategories = TextColumn()
    var categoryCount: [Int16] = []
    /// Interaction counts per `shape.kindWindows` (saturating at 65,535), customer-major.
    var kindWindowCounts: [UInt16] = []
    /// Interaction counts of any kind per `shape.anyKindWindows`, customer-major.
    var anyKindWindowCounts: [UInt32] = []
    /// Calendar days since the last interaction; -1 without interactions.
    var daysSinceLastInteraction: [Int32] = []
    /// Custom fields declared by plugins: names, and per field one value per customer
    /// (the stored value, else the field's default, else missing).
    public internal(set) var customFieldNames: [String] = []
    var customFieldValues: [ProfileColumn] = []

    /// Makes room for `customers` rows, so building a million-row table does not copy every
    /// column each time it doubles.
    mutating func reserveCapacity(_ customers: Int) {
        var reserver = ProfileCapacityReserver(customers: customers)
        try? visitColumns(&reserver)  // reserving throws nothing
    }

    /// Names the custom fields, each with an empty column, for a reader to fill
    /// (`visitColumns`).
    mutating func prepareCustomFields(_ names: [String]) {
        customFieldNames = names
        customFieldValues = names.map { _ in ProfileColumn(repeating: .missing, count: 0) }
    }

    /// Adds (or replaces) a custom field column.
    mutating func setCustomField(_ name: String, values: ProfileColumn) {
        if let index = customFieldNames.firstIndex(of: name) {
            customFieldValues[index] = values
        } else {
            customFieldNames.append(name)
            customFieldValues.append(values)
        }
    }

    init(asOf: Timestamp, currencyScale: Int, shape: ProfileShape, timeZone: BusinessTimeZone) {
        self.asOf = asOf
        self.currencyScale = currencyScale
        self.shape = shape
        self.timeZone = timeZone
        dayCounter = timeZone.dayCounter()
        asOfDate = dayCounter.date(of: asOf)
    }

    /// Number of customers.
    public var count: Int { ids.count }

    /// Index of the customer with this id, by linear search (for tests and single lookups).
    public func index(of id: String) -> Int? { ids.firstIndex(of: id) }

    func kindWindowCount(customer: Int, column: Int) -> UInt16 {
        kindWindowCounts[customer * shape.kindWindows.count + column]
    }

    func anyKindWindowCount(customer: Int, column: Int) -> UInt32 {
        anyKindWindowCounts[customer * shape.anyKindWindows.count + column]
    }

    func orderWindowCount(customer: Int, column: Int) -> Int32 {
        orderWindowCounts[customer * shape.orderWindows.count + column]
    }

    func revenueWindowSum(customer: Int, column: Int) -> Int64 {
        revenueWindowSums[customer * shape.revenueWindows.count + column]
    }

    /// An amount in minor units as a number in the currency's unit (`6147` → `61.47`).
    func amount(_ minorUnits: Int64) -> Double {
        Double(minorUnits) / pow10(currencyScale)
    }

    private func pow10(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<exponent { result *= 10 }
        return result
    }
}
