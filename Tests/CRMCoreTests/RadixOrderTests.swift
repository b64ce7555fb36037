import Testing

@testable import CRMCore

@Suite("RadixOrder: the stable sort behind ranks")
struct RadixOrderTests {
    /// Values with many ties, both signs, zeros of both signs, tiny and huge magnitudes.
    static func values(count: Int, seed: UInt64) -> [Double] {
        var random = SeededRandom(seed: seed, stream: 1)
        let pool: [Double] = [0, -0.0, 1, -1, 0.5, -0.5, 1e-300, -1e-300, 1e300, -1e300, 3, 7, 12.25, 365, 1214, -2.75]
        return (0..<count).map { index in
            index % 3 == 0 ? Double(random.next() % 2_000_000) / 100 - 10_000 : pool[Int(random.next() % UInt64(pool.count))]
        }
    }

    @Test("orders like a comparison sort by value, ties in their given order, ascending and descending", arguments: [false, true])
    func matchesComparisonSort(descending: Bool) {
        let values = Self.values(count: 200_000, seed: 11)
        let rows = (0..<Int32(values.count)).reversed().map { $0 }
        let expected = rows.enumerated().sorted { a, b in
            let (x, y) = (values[Int(a.element)], values[Int(b.element)])
            if x != y { return descending ? x > y : x < y }
            return a.offset < b.offset
        }.map(\.element)
        let keys = rows.map { RadixOrder.key(values[Int($0)], descending: descending) }
        #expect(RadixOrder.stableSorted(keys: keys, rows: rows) == expected)
    }

    @Test("keys of equal values are equal, and their order is the values' order")
    func keys() {
        #expect(RadixOrder.key(0, descending: false) == RadixOrder.key(-0.0, descending: false))
        let sorted: [Double] = [-.infinity, -1e300, -2, -1, -1e-300, 0, 1e-300, 1, 2, 1e300, .infinity]
        let ascending = sorted.map { RadixOrder.key($0, descending: false) }
        #expect(ascending == ascending.sorted())
        let descending = sorted.map { RadixOrder.key($0, descending: true) }
        #expect(descending == descending.sorted(by: >))
        #expect(RadixOrder.stableSorted(keys: [], rows: []) == [])
        #expect(RadixOrder.stableSorted(keys: [5, 5, 5], rows: [2, 0, 1]) == [2, 0, 1])
    }
}
