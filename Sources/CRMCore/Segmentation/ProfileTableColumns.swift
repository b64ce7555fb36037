/// Visits every column a `ProfileBuilder` fills, by a stable name, so that code handling "every
/// column" (keeping a profile on disk, reading it back) lists them once, here.
protocol ProfileColumnVisitor {
    /// `values` holds `perCustomer` values per customer (one, or one per window column).
    mutating func visit<Value: BitwiseCopyable>(_ name: String, _ values: inout [Value], perCustomer: Int) throws
    mutating func visit(_ name: String, _ column: inout TextColumn) throws
    mutating func visit(_ name: String, texts: inout [String]) throws
    mutating func visit(_ name: String, _ column: inout ProfileColumn) throws
}

extension ProfileTable {
    /// Calls `visitor` for each column, custom fields last (`customFieldNames` says which).
    /// A new column of `ProfileTable` must be added here, or kept profiles would lose it; the
    /// kept-profile tests compare every field of a loaded table with a built one.
    mutating func visitColumns<Visitor: ProfileColumnVisitor>(_ visitor: inout Visitor) throws {
        try visitor.visit("pks", &pks, perCustomer: 1)
        try visitor.visit("ids", texts: &ids)
        try visitor.visit("city", &city)
        try visitor.visit("industry", &industry)
        try visitor.visit("company_size", &companySize)
        try visitor.visit("gender", &gender)
        try visitor.visit("occupation", &occupation)
        try visitor.visit("age_years", &ageYears, perCustomer: 1)
        try visitor.visit("tenure_days", &tenureDays, perCustomer: 1)
        try visitor.visit("order_count", &orderCount, perCustomer: 1)
        try visitor.visit("monetary", &monetary, perCustomer: 1)
        try visitor.visit("returns_count", &returnsCount, perCustomer: 1)
        try visitor.visit("returned_amount", &returnedAmount, perCustomer: 1)
        try visitor.visit("max_order_amount", &maxOrderAmount, perCustomer: 1)
        try visitor.visit("max_order_quantity", &maxOrderQuantity, perCustomer: 1)
        try visitor.visit("days_since_first_order", &daysSinceFirstOrder, perCustomer: 1)
        try visitor.visit("recency_days", &recencyDays, perCustomer: 1)
        try visitor.visit("median_days_between_orders", &medianDaysBetweenOrders, perCustomer: 1)
        try visitor.visit("last_days_between_orders", &lastDaysBetweenOrders, perCustomer: 1)
        try visitor.visit("order_window_counts", &orderWindowCounts, perCustomer: shape.orderWindows.count)
        try visitor.visit("revenue_window_sums", &revenueWindowSums, perCustomer: shape.revenueWindows.count)
        try visitor.visit("top_categories", &topCategories)
        try visitor.visit("category_count", &categoryCount, perCustomer: 1)
        try visitor.visit("kind_window_counts", &kindWindowCounts, perCustomer: shape.kindWindows.count)
        try visitor.visit("any_kind_window_counts", &anyKindWindowCounts, perCustomer: shape.anyKindWindows.count)
        try visitor.visit("days_since_last_interaction", &daysSinceLastInteraction, perCustomer: 1)
        for (index, name) in customFieldNames.enumerated() { try visitor.visit("field " + name, &customFieldValues[index]) }
    }
}

/// Reserves room for a number of customers in every column (`ProfileTable.reserveCapacity`).
struct ProfileCapacityReserver: ProfileColumnVisitor {
    let customers: Int

    mutating func visit<Value: BitwiseCopyable>(_ name: String, _ values: inout [Value], perCustomer: Int) {
        values.reserveCapacity(customers * perCustomer)
    }
    mutating func visit(_ name: String, _ column: inout TextColumn) { column.reserveCapacity(customers) }
    mutating func visit(_ name: String, texts: inout [String]) { texts.reserveCapacity(customers) }
    mutating func visit(_ name: String, _ column: inout ProfileColumn) {}
}
