/// The whole database at a glance: what `crm demo` prints after importing.
public struct DatabaseSummary: Sendable, Equatable {
    public var customers: Int
    public var orders: Int
    public var interactions: Int
    /// Customers with at least one order.
    public var buyers: Int
    /// Sum of all order amounts, in minor units.
    public var revenue: Int64
    public var firstOrderAt: Timestamp?
    public var lastOrderAt: Timestamp?
    /// Customers by revenue, highest first: id, name, orders, revenue in minor units.
    public var topCustomers: [(id: String, name: String?, orders: Int, revenue: Int64)]
    /// Interactions per kind.
    public var interactionsByKind: [String: Int]

    public static func == (lhs: DatabaseSummary, rhs: DatabaseSummary) -> Bool {
        lhs.customers == rhs.customers && lhs.orders == rhs.orders && lhs.interactions == rhs.interactions
            && lhs.buyers == rhs.buyers && lhs.revenue == rhs.revenue && lhs.firstOrderAt == rhs.firstOrderAt
            && lhs.lastOrderAt == rhs.lastOrderAt && lhs.interactionsByKind == rhs.interactionsByKind
            && lhs.topCustomers.map(\.id) == rhs.topCustomers.map(\.id)
    }
}
