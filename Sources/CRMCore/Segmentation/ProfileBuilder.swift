/// Builds a `ProfileTable` from customers, orders and interactions streamed in customer order.
///
/// Every day count and window counts calendar days in the business time zone: an event is in
/// the N-day window when its local date is fewer than N days before as-of's local date, the
/// same way `recency_days` counts (an order on as-of's date is 0 days old).
struct ProfileBuilder {
    let asOf: Timestamp
    let currencyScale: Int
    let shape: ProfileShape
    let timeZone: BusinessTimeZone
    /// Its own copy, not the table's: reading it through an empty `ProfileTable` held here made
    /// the profile build about 15% slower at M (measured, 2026-12-04).
    private let dayCounter: DayCounter
    /// Local day number of as-of.
    private let asOfDay: Int
    /// Per interaction kind index: the kind-window columns it counts in, with their days.
    private let kindColumns: [[(column: Int, days: Int)]]

    private static let microsecondsPerDay = 86_400_000_000.0

    init(asOf: Timestamp, currencyScale: Int, shape: ProfileShape, timeZone: BusinessTimeZone) {
        self.asOf = asOf
        self.currencyScale = currencyScale
        self.shape = shape
        self.timeZone = timeZone
        dayCounter = timeZone.dayCounter()
        asOfDay = dayCounter.day(of: asOf)
        var columns = [[(column: Int, days: Int)]](repeating: [], count: shape.interactionKinds.count)
        for (column, window) in shape.kindWindows.enumerated() { columns[window.kind].append((column, window.days)) }
        kindColumns = columns
    }

    /// Customers handed to an appender at once by a build on two threads.
    static let customersPerChunk = 4_096

    /// The table of every customer `scan` returns. With `appenders` above 1 (and more customers
    /// than one chunk), this thread reads the scan and hands chunks of customers in turn to
    /// that many threads, each building a table of its chunks, merged in key order at the end
    /// (`ProfileTablePatch`): the same table as one thread builds, in about half the time
    /// (docs/decisions.md).
    func build(from scan: ProfileQueries.ActivityScan, appenders: Int = 2, customersPerChunk: Int = customersPerChunk) throws -> ProfileTable {
        guard appenders > 1, scan.expectedCustomers > customersPerChunk else {
            var table = emptyTable(reserving: scan.expectedCustomers)
            var scratch = Scratch(categories: scan.categories, shape: shape)
            var row = ProfileQueries.ActivityRow()
            while try scan.next(into: &row) {
                append(row.customer, orders: row.orders[...], interactions: row.interactions[...], to: &table, scratch: &scratch)
            }
            return table
        }
        let workers = (0..<appenders).map { _ in
            ProfileChunkAppender(builder: self, categories: scan.categories, reserving: scan.expectedCustomers / appenders + customersPerChunk)
        }
        for worker in workers { worker.start() }
        var produced: Result<Void, Error> = .success(())
        do {
            var chunk = ProfileQueries.ActivityChunk()
            var row = ProfileQueries.ActivityRow()
            var next = 0
            while try scan.next(into: &row) {
                chunk.add(row)
                if chunk.count == customersPerChunk {
                    workers[next % appenders].queue.push(chunk)
                    next += 1
                    chunk = ProfileQueries.ActivityChunk()
                }
            }
            if chunk.count > 0 { workers[next % appenders].queue.push(chunk) }
        } catch {
            produced = .failure(error)
        }
        for worker in workers { worker.queue.close() }
        let tables = workers.map { $0.finish() }
        try produced.get()
        var merged = tables[0]
        for table in tables.dropFirst() where table.count > 0 {
            merged = try ProfileTablePatch(kept: merged.pks, rebuilt: table.pks, changed: []).apply(kept: merged, rebuilt: table)
        }
        return merged
    }

    func emptyTable(reserving customers: Int) -> ProfileTable {
        var table = ProfileTable(asOf: asOf, currencyScale: currencyScale, shape: shape, timeZone: timeZone)
        table.reserveCapacity(customers)
        return table
    }

    /// Appends the profile of one customer with these orders and interactions.
    func append(
        _ customer: ProfileQueries.CustomerRow, orders: ArraySlice<ProfileQueries.OrderRow>,
        interactions: ArraySlice<(time: Int64, kind: Int)>, to table: inout ProfileTable, scratch: inout Scratch
    ) {
        scratch.resetInteractions()
        var lastInteraction: Int64?
        for interaction in interactions {
            lastInteraction = max(lastInteraction ?? .min, interaction.time)
            count(interaction.time, kind: interaction.kind, into: &scratch)
        }
        append(customer, orders: orders, lastInteraction: lastInteraction, to: &table, scratch: &scratch)
    }

    /// The profile of a customer with no attributes, orders or interactions: what a plugin's
    /// examples start from before their own fields are applied.
    static func blank(shape: ProfileShape) -> ProfileTable {
        let builder = ProfileBuilder(asOf: Timestamp(microsecondsSinceEpoch: 0), currencyScale: 2, shape: shape, timeZone: .utc)
        var table = ProfileTable(asOf: builder.asOf, currencyScale: 2, shape: shape, timeZone: .utc)
        let customer = ProfileQueries.CustomerRow(
            pk: 0, id: "example", city: nil, industry: nil, companySize: nil, gender: nil, occupation: nil, birthDate: nil,
            createdAt: nil)
        var scratch = Scratch(categories: [], shape: shape)
        builder.append(customer, orders: [], lastInteraction: nil, to: &table, scratch: &scratch)
        return table
    }

    /// Calendar days from `instant`'s local date to as-of's.
    private func age(_ instant: Int64) -> Int {
        asOfDay - dayCounter.day(ofMicroseconds: instant)
    }

    private func count(_ occurredAt: Int64, kind: Int, into scratch: inout Scratch) {
        let age = age(occurredAt)
        for (column, days) in shape.anyKindWindows.enumerated() where age < days { scratch.anyKindCounts[column] &+= 1 }
        guard kind >= 0 else { return }
        for (column, days) in kindColumns[kind] where age < days {
            // Saturates at 65,535 a window: more interactions than that change no rule.
            if scratch.kindCounts[column] < .max { scratch.kindCounts[column] += 1 }
        }
    }

    private func days(from instant: Int64) -> Int32 {
        Int32(clamping: age(instant))
    }

    /// Buffers reused from customer to customer, so building a profile allocates little.
    struct Scratch {
        /// Category names by code (`OrderRow.category`).
        let categories: [String]
        var gaps: [Float] = []
        /// Orders per category code for the current customer, and the codes seen.
        var perCategory: [Int]
        var seen: [Int32] = []
        /// Top-categories text codes in `ProfileTable.topCategories`, by packed category codes.
        var topTexts: [Int64: Int32] = [:]

        /// This customer's interaction counts per kind window and per any-kind window.
        var kindCounts: [UInt16]
        var anyKindCounts: [UInt32]
        /// This customer's purchases and net revenue per order / revenue window.
        var orderCounts: [Int32]
        var revenueSums: [Int64]

        init(categories: [String], shape: ProfileShape) {
            self.categories = categories
            perCategory = [Int](repeating: 0, count: categories.count)
            kindCounts = [UInt16](repeating: 0, count: shape.kindWindows.count)
            anyKindCounts = [UInt32](repeating: 0, count: shape.anyKindWindows.count)
            orderCounts = [Int32](repeating: 0, count: shape.orderWindows.count)
            revenueSums = [Int64](repeating: 0, count: shape.revenueWindows.count)
        }

        mutating func resetInteractions() {
            for index in kindCounts.indices { kindCounts[index] = 0 }
            for index in anyKindCounts.indices { anyKindCounts[index] = 0 }
        }

        mutating func reset() {
            for index in orderCounts.indices { orderCounts[index] = 0 }
            for index in revenueSums.indices { revenueSums[index] = 0 }
            gaps.removeAll(keepingCapacity: true)
            for code in seen { perCategory[Int(code)] = 0 }
            seen.removeAll(keepingCapacity: true)
        }

        mutating func count(category code: Int32) {
            guard code >= 0 else { return }
            if perCategory[Int(code)] == 0 { seen.append(code) }
            perCategory[Int(code)] += 1
        }
    }

    private func append(
        _ customer: ProfileQueries.CustomerRow, orders: ArraySlice<ProfileQueries.OrderRow>, lastInteraction: Int64?,
        to table: inout ProfileTable, scratch: inout Scratch
    ) {
        table.pks.append(customer.pk)
        table.ids.append(customer.id)
        table.city.append(customer.city)
        table.industry.append(customer.industry)
        table.companySize.append(customer.companySize)
        table.gender.append(customer.gender)
        table.occupation.append(customer.occupation)
        table.ageYears.append(age(birthDate: customer.birthDate))
        // Returns (negative amounts) count in the net monetary value and in the returns fields
        // only; frequency, recency, gaps and categories are about purchases.
        var monetary: Int64 = 0
        var maxAmount: Int64 = 0
        var maxQuantity: Int64 = -1
        var purchases: Int32 = 0
        var returns: Int32 = 0
        var returned: Int64 = 0
        var firstPurchase: Int64?
        scratch.reset()
        var previous: Int64?
        let windowed = !scratch.orderCounts.isEmpty || !scratch.revenueSums.isEmpty
        for order in orders {
            monetary += order.amount
            if windowed { countInWindows(order, scratch: &scratch) }
            if order.amount < 0 {
                returns += 1
                returned -= order.amount
                continue
            }
            purchases += 1
            if firstPurchase == nil { firstPurchase = order.orderedAt }
            maxAmount = max(maxAmount, order.amount)
            if let quantity = order.quantity { maxQuantity = max(maxQuantity, quantity) }
            if let previous { scratch.gaps.append(Float(Double(order.orderedAt - previous) / Self.microsecondsPerDay)) }
            previous = order.orderedAt
            scratch.count(category: order.category)
        }
        let since = customer.createdAt ?? firstPurchase
        table.tenureDays.append(since.map(days(from:)) ?? -1)
        table.orderCount.append(purchases)
        table.returnsCount.append(returns)
        table.returnedAmount.append(returned)
        table.monetary.append(monetary)
        table.maxOrderAmount.append(maxAmount)
        table.maxOrderQuantity.append(Int32(clamping: maxQuantity))
        table.daysSinceFirstOrder.append(firstPurchase.map { days(from: $0) } ?? -1)
        table.recencyDays.append(previous.map { days(from: $0) } ?? -1)
        table.lastDaysBetweenOrders.append(scratch.gaps.last ?? .nan)
        table.medianDaysBetweenOrders.append(median(&scratch.gaps))
        table.orderWindowCounts.append(contentsOf: scratch.orderCounts)
        table.revenueWindowSums.append(contentsOf: scratch.revenueSums)
        appendTopCategories(to: &table, scratch: &scratch)
        table.categoryCount.append(Int16(clamping: scratch.seen.count))
        table.kindWindowCounts.append(contentsOf: scratch.kindCounts)
        table.anyKindWindowCounts.append(contentsOf: scratch.anyKindCounts)
        table.daysSinceLastInteraction.append(lastInteraction.map(days(from:)) ?? -1)
    }

    /// Counts a purchase in the order windows and its amount (negative for a return) in the
    /// revenue windows that hold it.
    private func countInWindows(_ order: ProfileQueries.OrderRow, scratch: inout Scratch) {
        let age = age(order.orderedAt)
        if order.amount >= 0 {
            for (column, days) in shape.orderWindows.enumerated() where age < days { scratch.orderCounts[column] += 1 }
        }
        for (column, days) in shape.revenueWindows.enumerated() where age < days { scratch.revenueSums[column] += order.amount }
    }

    /// Up to `shape.topCategories` categories by order count (ties by name), comma-separated;
    /// each distinct list is joined once.
    private func appendTopCategories(to table: inout ProfileTable, scratch: inout Scratch) {
        let seen = scratch.seen
        guard !seen.isEmpty else {
            table.topCategories.append(nil)
            return
        }
        var top = seen
        if top.count > 1 {
            top.sort { a, b in
                let (countA, countB) = (scratch.perCategory[Int(a)], scratch.perCategory[Int(b)])
                return countA != countB ? countA > countB : scratch.categories[Int(a)] < scratch.categories[Int(b)]
            }
        }
        // Up to three codes below 2^21 pack into one key; with more of either, no cache.
        let limit = shape.topCategories
        let packable = scratch.categories.count < 1 << 21 && limit <= 3
        var key: Int64 = 0
        for code in top.prefix(limit) { key = key << 21 | Int64(code + 1) }
        if packable, let text = scratch.topTexts[key] {
            table.topCategories.append(code: text)
            return
        }
        let code = table.topCategories.append(top.prefix(limit).map { scratch.categories[Int($0)] }.joined(separator: ","))
        if packable { scratch.topTexts[key] = code }
    }

    /// The median of `values` (sorted in place); NaN for none.
    private func median(_ values: inout [Float]) -> Float {
        guard !values.isEmpty else { return .nan }
        values.sort()
        let middle = values.count / 2
        return values.count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2
    }

    private func age(birthDate: String?) -> Int16 {
        guard let birthDate, let born = try? CalendarDate.parse(birthDate) else { return -1 }
        let today = CalendarDate(daysSinceEpoch: asOfDay)
        var years = today.year - born.year
        if (today.month, today.day) < (born.month, born.day) { years -= 1 }
        return years < 0 ? -1 : Int16(clamping: years)
    }
}
