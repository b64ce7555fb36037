/// Which customers a rank or a statistic is computed over.
public enum Population: String, Sendable, CaseIterable {
    /// Customers with at least one order (the default: RFM scores are over buyers).
    case buyers
    /// Customers without orders.
    case prospects
    /// Everyone.
    case all

    func includes(_ table: ProfileTable, _ customer: Int) -> Bool {
        switch self {
        case .buyers: return table.orderCount[customer] > 0
        case .prospects: return table.orderCount[customer] == 0
        case .all: return true
        }
    }
}

/// A rank a plugin asks the core to compute: `r = { by = "recency_days", order = "desc" }`.
public struct RankSpec: Sendable, Equatable {
    /// The name plugins read it under: `c.r`.
    public var name: String
    /// The profile field ranked.
    public var field: String
    /// Descending puts the largest values in tile 1.
    public var descending: Bool
    /// Number of tiles (NTILE's argument).
    public var tiles: Int
    public var among: Population

    public init(name: String, field: String, descending: Bool = false, tiles: Int = 5, among: Population = .buyers) {
        self.name = name
        self.field = field
        self.descending = descending
        self.tiles = tiles
        self.among = among
    }
}

/// Summary statistics of one profile field over a population, given to plugins as
/// `p.stats.<field>`: count, sum, mean, min, max and the quantiles p10 … p99.
public struct FieldStatistics: Sendable, Equatable {
    public var count: Int
    public var sum: Double
    public var mean: Double
    public var min: Double
    public var max: Double
    /// Quantile name (`p50`) → value, by linear interpolation between closest ranks.
    public var quantiles: [String: Double]

    public static let quantileLevels: [(String, Double)] = [
        ("p10", 0.10), ("p25", 0.25), ("p50", 0.50), ("p75", 0.75), ("p90", 0.90), ("p95", 0.95), ("p99", 0.99),
    ]
}

/// Computes NTILE ranks and field statistics over a profile table, in one sort per rank.
public struct PopulationStatistics {
    let table: ProfileTable
    let fields: [String: ProfileField]
    /// The rows in customer-id order, for breaking ties (sorted when first needed).
    private let rowsInIDOrder: RowsInIDOrder

    public init(table: ProfileTable) {
        self.table = table
        fields = Dictionary(uniqueKeysWithValues: ProfileField.all(for: table).map { ($0.name, $0) })
        rowsInIDOrder = RowsInIDOrder(ids: table.ids)
    }

    /// Tile (1…tiles) per customer; 0 for customers outside the population or without a value.
    public func ranks(_ spec: RankSpec) throws -> [Int32] {
        let (order, _) = try sortedPopulation(spec.field, descending: spec.descending, among: spec.among)
        return Ntile.assign(order: order, rowCount: table.count, tiles: spec.tiles)
    }

    /// The customers of `population` that have a value of `field`, sorted by it (ties by
    /// customer id), and every customer's value.
    private func sortedPopulation(_ field: String, descending: Bool, among population: Population) throws -> (order: [Int], values: [Double?]) {
        let values = try numericValues(field)
        // Gathered in customer-id order, then a stable sort by value keeps that order in ties.
        var keys: [UInt64] = []
        var rows: [Int32] = []
        keys.reserveCapacity(table.count)
        rows.reserveCapacity(table.count)
        for row in rowsInIDOrder.rows where population.includes(table, Int(row)) {
            if let value = values[Int(row)] {
                keys.append(RadixOrder.key(value, descending: descending))
                rows.append(row)
            }
        }
        return (RadixOrder.stableSorted(keys: keys, rows: rows).map { Int($0) }, values)
    }

    /// Cumulative share per customer: customers sorted as `spec` says (ties by id), each gets the
    /// share of the population's total held by itself and everyone before it; nil outside it.
    public func shares(_ spec: ShareRankSpec) throws -> [Double?] {
        let (order, values) = try sortedPopulation(spec.field, descending: spec.descending, among: spec.among)
        let total = order.reduce(0.0) { $0 + (values[$1] ?? 0) }
        var result = [Double?](repeating: nil, count: table.count)
        var running = 0.0
        for customer in order {
            running += values[customer] ?? 0
            result[customer] = total == 0 ? 1 : running / total
        }
        return result
    }

    /// For each of `fields`, the share of each value among the customers `inGroup` selects.
    public func frequencies(of fields: [String], inGroup: (Int) -> Bool) throws -> [String: [String: Double]] {
        let group = (0..<table.count).filter(inGroup)
        var result: [String: [String: Double]] = [:]
        for name in fields {
            guard let field = self.fields[name] else {
                throw CRMError.invalidArgument("'\(name)' is not a profile field (see plugins/crm.d.lua for the list)")
            }
            var counts: [String: Int] = [:]
            for customer in group {
                if case .text(let value) = field.read(table, customer) { counts[value, default: 0] += 1 }
            }
            result[name] = counts.mapValues { group.isEmpty ? 0 : Double($0) / Double(group.count) }
        }
        return result
    }

    /// Statistics of `field` over `population`; nil when nobody in it has a value.
    public func statistics(of field: String, among population: Population) throws -> FieldStatistics? {
        let values = try numericValues(field)
        let sorted = (0..<table.count).compactMap { population.includes(table, $0) ? values[$0] : nil }.sorted()
        guard let first = sorted.first, let last = sorted.last else { return nil }
        let sum = sorted.reduce(0, +)
        var quantiles: [String: Double] = [:]
        for (name, level) in FieldStatistics.quantileLevels {
            let position = level * Double(sorted.count - 1)
            let lower = Int(position.rounded(.down))
            let upper = Swift.min(lower + 1, sorted.count - 1)
            quantiles[name] = sorted[lower] + (sorted[upper] - sorted[lower]) * (position - Double(lower))
        }
        return FieldStatistics(
            count: sorted.count, sum: sum, mean: sum / Double(sorted.count), min: first, max: last, quantiles: quantiles)
    }

    private func numericValues(_ name: String) throws -> [Double?] {
        guard let field = fields[name] else {
            throw CRMError.invalidArgument("'\(name)' is not a profile field (see plugins/crm.d.lua for the list)")
        }
        return (0..<table.count).map { field.read(table, $0).numeric }
    }
}
