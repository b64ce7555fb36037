/// Builds a `ProfileTable` from customers, orders and interactions streamed in customer order.
struct ProfileBuilder {
    let asOf: Timestamp
    let currencyScale: Int
    let interactionKinds: [String]

    private static let microsecondsPerDay = 86_400_000_000.0

    func build(from source: ProfileQueries) throws -> ProfileTable {
        var table = ProfileTable(asOf: asOf, currencyScale: currencyScale, interactionKinds: interactionKinds)
        let kindIndex = Dictionary(uniqueKeysWithValues: interactionKinds.enumerated().map { ($1, $0) })
        let customers = try source.customers()
        let orders = try source.orders()
        let interactions = try source.interactions()
        var pendingOrder = try orders.next()
        var pendingInteraction = try interactions.next()
        var customerOrders: [ProfileQueries.OrderRow] = []
        var counts = [UInt32](repeating: 0, count: interactionKinds.count * ProfileTable.windows.count)
        while let customer = try customers.next() {
            customerOrders.removeAll(keepingCapacity: true)
            // Orders and interactions of customers created after as-of are skipped with them.
            while let order = pendingOrder, order.customerPK <= customer.pk {
                if order.customerPK == customer.pk { customerOrders.append(order) }
                pendingOrder = try orders.next()
            }
            for index in counts.indices { counts[index] = 0 }
            var lastInteraction: Int64?
            while let interaction = pendingInteraction, interaction.customerPK <= customer.pk {
                if interaction.customerPK == customer.pk {
                    lastInteraction = max(lastInteraction ?? .min, interaction.occurredAt)
                    if let kind = kindIndex[interaction.kind] { count(interaction.occurredAt, kind: kind, into: &counts) }
                }
                pendingInteraction = try interactions.next()
            }
            append(customer, orders: customerOrders, counts: counts, lastInteraction: lastInteraction, to: &table)
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
        builder.append(
            customer, orders: [], counts: [UInt32](repeating: 0, count: interactionKinds.count * ProfileTable.windows.count),
            lastInteraction: nil, to: &table)
        return table
    }

    private func count(_ occurredAt: Int64, kind: Int, into counts: inout [UInt32]) {
        let age = asOf.microsecondsSinceEpoch - occurredAt
        for (window, days) in ProfileTable.windows.enumerated() where age < Int64(days) * 86_400_000_000 {
            counts[kind * ProfileTable.windows.count + window] += 1
        }
    }

    private func days(from instant: Int64) -> Int32 {
        Int32(Timestamp(microsecondsSinceEpoch: instant).days(until: asOf))
    }

    private func append(
        _ customer: ProfileQueries.CustomerRow, orders: [ProfileQueries.OrderRow], counts: [UInt32],
        lastInteraction: Int64?, to table: inout ProfileTable
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
        table.monetary.append(orders.reduce(0) { $0 + $1.amount })
        table.maxOrderAmount.append(orders.map(\.amount).max() ?? 0)
        table.maxOrderQuantity.append(Int32(clamping: orders.compactMap(\.quantity).max() ?? -1))
        table.daysSinceFirstOrder.append(orders.first.map { days(from: $0.orderedAt) } ?? -1)
        table.recencyDays.append(orders.last.map { days(from: $0.orderedAt) } ?? -1)
        let gaps = zip(orders.dropFirst(), orders).map { Float(Double($0.orderedAt - $1.orderedAt) / Self.microsecondsPerDay) }
        table.medianDaysBetweenOrders.append(median(gaps))
        table.lastDaysBetweenOrders.append(gaps.last ?? .nan)
        let yearAgo = asOf.microsecondsSinceEpoch - 365 * 86_400_000_000
        table.orders365d.append(Int32(orders.count { $0.orderedAt > yearAgo }))
        var categories: [String: Int] = [:]
        for order in orders { if let category = order.category { categories[category, default: 0] += 1 } }
        let top = categories.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(3).map(\.key)
        table.topCategories.append(top.isEmpty ? nil : top.joined(separator: ","))
        table.categoryCount.append(Int16(clamping: categories.count))
        table.interactionCounts.append(contentsOf: counts)
        table.daysSinceLastInteraction.append(lastInteraction.map(days(from:)) ?? -1)
    }

    private func median(_ values: [Float]) -> Float {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    private func age(birthDate: String?) -> Int16 {
        guard let birthDate, let born = try? CalendarDate.parse(birthDate) else { return -1 }
        let today = asOf.utcDate
        var years = today.year - born.year
        if (today.month, today.day) < (born.month, born.day) { years -= 1 }
        return years < 0 ? -1 : Int16(clamping: years)
    }
}
