/// Builds a `ProfileTable` from customers, orders and interactions streamed in customer order.
struct ProfileBuilder {
    let asOf: Timestamp
    let currencyScale: Int
    let interactionKinds: [String]

    private static let microsecondsPerDay = 86_400_000_000.0

    func build(from source: ProfileQueries) throws -> ProfileTable {
        var table = ProfileTable(asOf: asOf, currencyScale: currencyScale, interactionKinds: interactionKinds)
        let scan = try source.activity(kinds: interactionKinds)
        table.reserveCapacity(scan.expectedCustomers)
        var scratch = Scratch(categories: scan.categories)
        var row = ProfileQueries.ActivityRow()
        var counts = [UInt16](repeating: 0, count: interactionKinds.count * ProfileTable.windows.count)
        while try scan.next(into: &row) {
            for index in counts.indices { counts[index] = 0 }
            var lastInteraction: Int64?
            for interaction in row.interactions {
                lastInteraction = max(lastInteraction ?? .min, interaction.time)
                if interaction.kind >= 0 { count(interaction.time, kind: interaction.kind, into: &counts) }
            }
            append(row.customer, orders: row.orders, counts: counts, lastInteraction: lastInteraction, to: &table, scratch: &scratch)
        }
        return table
    }

    /// The profile of a customer with no attributes, orders or interactions: what a plugin's
    /// examples start from before their own fields are applied.
    static func blank(interactionKinds: [String]) -> ProfileTable {
        let builder = ProfileBuilder(asOf: Timestamp(microsecondsSinceEpoch: 0), currencyScale: 2, interactionKinds: interactionKinds)
        var table = ProfileTable(asOf: builder.asOf, currencyScale: 2, interactionKinds: interactionKinds)
        let customer = ProfileQueries.CustomerRow(
            pk: 0, id: "example", city: nil, industry: nil, companySize: nil, gender: nil, occupation: nil, birthDate: nil,
            createdAt: nil)
        var scratch = Scratch(categories: [])
        builder.append(
            customer, orders: [], counts: [UInt16](repeating: 0, count: interactionKinds.count * ProfileTable.windows.count),
            lastInteraction: nil, to: &table, scratch: &scratch)
        return table
    }

    private func count(_ occurredAt: Int64, kind: Int, into counts: inout [UInt16]) {
        let age = asOf.microsecondsSinceEpoch - occurredAt
        for (window, days) in ProfileTable.windows.enumerated() where age < Int64(days) * 86_400_000_000 {
            // Saturates at 65,535 a window: more interactions than that change no rule.
            let slot = kind * ProfileTable.windows.count + window
            if counts[slot] < .max { counts[slot] += 1 }
        }
    }

    private func days(from instant: Int64) -> Int32 {
        Int32(Timestamp(microsecondsSinceEpoch: instant).days(until: asOf))
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

        init(categories: [String]) {
            self.categories = categories
            perCategory = [Int](repeating: 0, count: categories.count)
        }

        mutating func reset() {
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
        _ customer: ProfileQueries.CustomerRow, orders: [ProfileQueries.OrderRow], counts: [UInt16],
        lastInteraction: Int64?, to table: inout ProfileTable, scratch: inout Scratch
    ) {
        table.pks.append(customer.pk)
        table.ids.append(customer.id)
        table.city.append(customer.city)
        table.industry.append(customer.industry)
        table.companySize.append(customer.companySize)
        table.gender.append(customer.gender)
        table.occupation.append(customer.occupation)
        table.ageYears.append(age(birthDate: customer.birthDate))
        let yearAgo = asOf.microsecondsSinceEpoch - 365 * 86_400_000_000
        // Returns (negative amounts) count in the net monetary value and in the returns fields
        // only; frequency, recency, gaps and categories are about purchases.
        var monetary: Int64 = 0
        var maxAmount: Int64 = 0
        var maxQuantity: Int64 = -1
        var lastYear: Int32 = 0
        var purchases: Int32 = 0
        var returns: Int32 = 0
        var returned: Int64 = 0
        var firstPurchase: Int64?
        scratch.reset()
        var previous: Int64?
        for order in orders {
            monetary += order.amount
            if order.amount < 0 {
                returns += 1
                returned -= order.amount
                continue
            }
            purchases += 1
            if firstPurchase == nil { firstPurchase = order.orderedAt }
            maxAmount = max(maxAmount, order.amount)
            if let quantity = order.quantity { maxQuantity = max(maxQuantity, quantity) }
            if order.orderedAt > yearAgo { lastYear += 1 }
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
        table.orders365d.append(lastYear)
        appendTopCategories(to: &table, scratch: &scratch)
        table.categoryCount.append(Int16(clamping: scratch.seen.count))
        table.interactionCounts.append(contentsOf: counts)
        table.daysSinceLastInteraction.append(lastInteraction.map(days(from:)) ?? -1)
    }

    /// Up to three categories by order count (ties by name), comma-separated; each distinct
    /// list is joined once.
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
        // Three codes below 2^21 pack into one key; with more categories than that, no cache.
        let packable = scratch.categories.count < 1 << 21
        var key: Int64 = 0
        for code in top.prefix(3) { key = key << 21 | Int64(code + 1) }
        if packable, let text = scratch.topTexts[key] {
            table.topCategories.append(code: text)
            return
        }
        let code = table.topCategories.append(top.prefix(3).map { scratch.categories[Int($0)] }.joined(separator: ","))
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
        let today = asOf.utcDate
        var years = today.year - born.year
        if (today.month, today.day) < (born.month, born.day) { years -= 1 }
        return years < 0 ? -1 : Int16(clamping: years)
    }
}
