import Foundation
import Testing

@testable import CRMCore

@Suite("SyntheticDataSet buyer mix")
struct GenerateMixTests {
    private static let secondsPerDay: Int64 = 86_400

    @Test("between 10% and 20% of customers never buy")
    func neverBuyers() throws {
        let data = try GeneratedDataSet(customers: 2_000)
        let buyers = data.ordersByCustomer().count
        let share = Double(2_000 - buyers) / 2_000
        #expect(share >= 0.10 && share <= 0.20, "never-buyers \(share)")
    }

    @Test("some never-buyers are prospects with interactions")
    func prospects() throws {
        let data = try GeneratedDataSet(customers: 2_000)
        let buyers = Set(data.ordersByCustomer().keys)
        let prospects = Set(data.interactions.map { $0[1] }).subtracting(buyers)
        #expect(prospects.count > 50, "prospects \(prospects.count)")
    }

    @Test("some customers buy once and some buy repeatedly")
    func oneTimeAndRepeatBuyers() throws {
        let data = try GeneratedDataSet(customers: 2_000)
        let orderCounts = data.ordersByCustomer().values.map(\.count)
        #expect(orderCounts.filter { $0 == 1 }.count > 200, "one-time buyers")
        #expect(orderCounts.filter { $0 >= 5 }.count > 500, "repeat buyers")
    }

    @Test("some one-time buyers place a single bulk order")
    func bulkBuyers() throws {
        let data = try GeneratedDataSet(customers: 2_000)
        let single = data.ordersByCustomer().filter { $0.value.count == 1 }.keys
        let bulk = data.orders.filter { single.contains($0[1]) && (Int($0[5]) ?? 0) >= 20 }
        #expect(bulk.count > 20, "bulk orders \(bulk.count)")
    }

    @Test("buyers include churned (last order over a year ago), dormant and recently active ones")
    func lifecycleSpread() throws {
        let data = try GeneratedDataSet(customers: 2_000)
        let asOf = data.options.asOf / 1_000_000
        let recencyDays = data.ordersByCustomer().values.map {
            (asOf - ($0.map(\.at).max() ?? asOf)) / Self.secondsPerDay
        }
        #expect(recencyDays.filter { $0 > 365 }.count > 200, "churned")
        #expect(recencyDays.filter { (182...365).contains($0) }.count > 100, "dormant")
        #expect(recencyDays.filter { $0 < 30 }.count > 200, "active")
    }

    @Test("a repeat buyer orders at a regular-ish cycle")
    func purchaseCycle() throws {
        let data = try GeneratedDataSet(customers: 2_000)
        var regular = 0
        var repeatBuyers = 0
        for history in data.ordersByCustomer().values where history.count >= 6 {
            repeatBuyers += 1
            let times = history.map(\.at).sorted()
            let gaps = zip(times.dropFirst(), times).map { Double($0 - $1) }
            let sortedGaps = gaps.sorted()
            let median = sortedGaps[sortedGaps.count / 2]
            if gaps.allSatisfy({ $0 >= median * 0.4 && $0 <= median * 1.8 }) { regular += 1 }
        }
        #expect(Double(regular) > Double(repeatBuyers) * 0.8, "\(regular) of \(repeatBuyers) regular")
    }

    @Test("the top 20% of buyers bring more than half of the revenue")
    func revenueSkew() throws {
        let data = try GeneratedDataSet(customers: 2_000)
        let revenues = data.ordersByCustomer().values.map { $0.reduce(0) { $0 + $1.amount } }.sorted(by: >)
        let top = revenues.prefix(revenues.count / 5).reduce(0, +)
        let total = revenues.reduce(0, +)
        #expect(Double(top) > Double(total) * 0.5, "top 20% share \(Double(top) / Double(total))")
    }

    @Test("about 2% of timestamps carry a +08:00 or -05:00 offset")
    func someOffsets() throws {
        let data = try GeneratedDataSet(customers: 2_000)
        let stamps = data.orders.map { $0[2] } + data.interactions.map { $0[3] } + data.customers.map { $0[10] }
        let offsets = stamps.filter { !$0.hasSuffix("Z") }
        #expect(offsets.allSatisfy { $0.hasSuffix("+08:00") || $0.hasSuffix("-05:00") })
        let share = Double(offsets.count) / Double(stamps.count)
        #expect(share > 0.01 && share < 0.04, "offset share \(share)")
    }

    @Test("customers average about 10.2 orders and 4.9 interactions")
    func averagesPerCustomer() throws {
        let data = try GeneratedDataSet(customers: 5_000)
        let orders = Double(data.counts.orders) / 5_000
        let interactions = Double(data.counts.interactions) / 5_000
        #expect(abs(orders - 10.2) <= 10.2 * 0.15, "orders per customer \(orders)")
        #expect(abs(interactions - 4.9) <= 4.9 * 0.15, "interactions per customer \(interactions)")
    }
}
