/// How many rows `SyntheticDataSet.write` put in each file (header rows not counted).
public struct GeneratedCounts: Sendable, Equatable {
    public var customers: Int
    public var orders: Int
    public var interactions: Int

    public init(customers: Int, orders: Int, interactions: Int) {
        self.customers = customers
        self.orders = orders
        self.interactions = interactions
    }
}
