/// Builds a `ProfileTable` from customers, orders and interactions streamed in customer order.
struct ProfileBuilder {
    let asOf: Timestamp
    let currencyScale: Int
    let interactionKinds: [String]

    private static let microsecondsPerDay = 86_400_000_000.0

    func build(from source: ProfileQueries) throws -> ProfileTable {
        var table = ProfileTable(asOf: asOf, currencyScale: currencyScale, interactionKinds: interactionKinds)
        let rows = try source.activity(kinds: interactionKinds)
        var scratch = Scratch()
        var counts = [UInt16](repeating: 0, count: interactionKinds.count * ProfileTable.windows.count)
        while let row = try rows.next() {
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
        var scratch = Scratch()
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
        var gaps: [Float] = []
        var categories: [String: Int] = [:]
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
        let since = customer.createdAt ?? orders.first?.orderedAt
        table.tenureDays.append(since.map(days(from:)) ?? -1)
        table.orderCount.append(Int32(orders.count))
        let yearAgo = asOf.microsecondsSinceEpoch - 365 * 86_400_000_000
        var monetary: Int64 = 0
        var maxAmount: Int64 = 0
        var maxQuantity: Int64 = -1
        var lastYear: Int32 = 0
        scratch.gaps.removeAll(keepingCapacity: true)
        scratch.categories.removeAll(keepingCapacity: true)
        var previous: Int64?
        for order in orders {
            monetary += order.amount
            maxAmount = max(maxAmount, order.amount)
            if let quantity = order.quantity { maxQuantity = max(maxQuantity, quantity) }
            if order.orderedAt > yearAgo { lastYear += 1 }
            if let previous { scratch.gaps.append(Float(Double(order.orderedAt - previous) / Self.microsecondsPerDay)) }
            previous = order.orderedAt
            if let category = order.category { scratch.categories[category, default: 0] += 1 }
        }
        table.monetary.append(monetary)
        table.maxOrderAmount.append(maxAmount)
        table.maxOrderQuantity.append(Int32(clamping: maxQuantity))
        table.daysSinceFirstOrder.append(orders.first.map { days(from: $0.orderedAt) } ?? -1)
        table.recencyDays.append(orders.last.map { days(from: $0.orderedAt) } ?? -1)
        table.lastDaysBetweenOrders.append(scratch.gaps.last ?? .nan)
        table.medianDaysBetweenOrders.append(median(&scratch.gaps))
        table.orders365d.append(lastYear)
        table.topCategories.append(topCategories(scratch.categories))
        table.categoryCount.append(Int16(clamping: scratch.categories.count))
        table.interactionCounts.append(contentsOf: counts)
        table.daysSinceLastInteraction.append(lastInteraction.map(days(from:)) ?? -1)
    }

    /// Up to three categories by order count (ties by name), comma-separated.
    private func topCategories(_ counts: [String: Int]) -> String? {
        if counts.isEmpty { return nil }
        if counts.count == 1 { return counts.first?.key }
        let top = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(3).map(\.key)
        return top.joined(separator: ",")
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
