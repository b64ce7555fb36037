/// When one synthetic customer signed up, ordered and interacted, as instants in seconds since
/// the epoch, each list ascending.
///
/// Guarantees what importers and segmentations rely on: `createdAt` < first order, every
/// instant ≤ as-of, and a repeat buyer's orders fall about one purchase cycle apart (±20%).
/// The lists are reused from customer to customer so planning allocates nothing.
struct CustomerTimeline {
    /// How far back the simulated business goes.
    static let historyDays: Int64 = 3650

    private(set) var createdAt: Int64 = 0
    private(set) var orderTimes: [Int64] = []
    private(set) var interactionTimes: [Int64] = []

    mutating func plan(_ behaviour: BuyerBehaviour, asOf: Int64, random: inout SeededRandom) {
        let secondsPerDay = CivilCalendar.secondsPerDay
        let asOfDay = CivilCalendar.day(containingSecond: asOf)
        orderTimes.removeAll(keepingCapacity: true)
        interactionTimes.removeAll(keepingCapacity: true)

        if behaviour.orderCount == 0 {
            let createdDay = asOfDay - Int64(random.int(in: 1...Int(Self.historyDays)))
            createdAt = createdDay * secondsPerDay + Int64(random.below(Int(secondsPerDay)))
        } else {
            let lastDay = asOfDay - behaviour.recencyDays
            let count = behaviour.orderCount
            var cycle = behaviour.cycleDays
            if count > 1 {
                let available = Double(Self.historyDays - behaviour.recencyDays - behaviour.winBackGapDays - 1)
                cycle = min(cycle, available / Double(count - 1))
            }
            for index in 0..<count {
                let isLast = index == count - 1
                let jitter = isLast ? 0 : (random.unit() * 0.4 - 0.2) * cycle
                let daysBack = Int64((Double(count - 1 - index) * cycle + jitter).rounded())
                let day = lastDay - daysBack - (isLast ? 0 : behaviour.winBackGapDays)
                // Shops take orders from 06:00 to midnight; the last day is before as-of's day.
                orderTimes.append(day * secondsPerDay + 6 * 3600 + Int64(random.below(18 * 3600)))
            }
            let createdDay = CivilCalendar.day(containingSecond: orderTimes[0]) - Int64(random.int(in: 1...150))
            createdAt = createdDay * secondsPerDay + Int64(random.below(Int(secondsPerDay)))
        }

        guard behaviour.interactionCount > 0 else { return }
        // Engagement fades a few months after the last order; prospects engage until as-of.
        let end = orderTimes.last.map { min(asOf, $0 + 120 * secondsPerDay) } ?? asOf
        for _ in 0..<behaviour.interactionCount {
            if !orderTimes.isEmpty && random.chance(0.5) {
                // Browsing and mails in the week before an order.
                let order = orderTimes[random.below(orderTimes.count)]
                interactionTimes.append(max(createdAt, order - Int64(random.below(Int(7 * secondsPerDay)))))
            } else {
                interactionTimes.append(createdAt + Int64(random.below(Int(end - createdAt + 1))))
            }
        }
        interactionTimes.sort()
    }
}
