/// Everything `crm report --html` shows, gathered from the database and the loaded plugins:
/// current segment sizes, rank grids, the moves between the last two runs, outcomes per
/// segment and per follow-up action, the last job runs and data quality.
public struct EvaluationReport: Sendable {
    /// Customers per segment now, by rank grid, and over the last two runs, for one segmentation.
    public struct Segmentation: Sendable {
        public let name: String
        public let plugin: String
        public let sizes: [(segment: String, customers: Int)]
        public let grid: Grid?
        public let history: SegmentHistory?
        public let outcomes: SegmentOutcomes?
        /// Why there are no outcomes (no run old enough), for the page.
        public let outcomesMissing: String?
    }

    /// Customers by two ranks (tiles 1…n each) as of the segmentation's last run, with the most
    /// common segment of each cell.
    public struct Grid: Sendable {
        public let rows: String
        public let columns: String
        public let asOf: Timestamp
        /// counts[row tile - 1][column tile - 1]
        public let counts: [[Int]]
        public let segments: [[String]]
    }

    public let generatedAt: Timestamp
    public let window: EvaluationWindow
    public let segmentations: [Segmentation]
    public let jobs: [JobInstance]
    public let quality: DataQuality

    /// Gathers the report; `window` is the outcome window.
    public static func gather(
        _ database: CRMDatabase, catalog: PluginCatalog, window: EvaluationWindow = EvaluationWindow(days: 90), now: Timestamp = .now()
    ) throws -> EvaluationReport {
        let sizes = try database.segmentSizes()
        var segmentations: [Segmentation] = []
        for (plugin, definition) in catalog.segmentations {
            let name = definition.name
            let mine = sizes.filter { $0.segmentation == name }
            let counts = Dictionary(mine.map { ($0.segment, $0.customers) }, uniquingKeysWith: +)
            let order = definition.segments + mine.map(\.segment).filter { !definition.segments.contains($0) }
            let runs = try database.segmentationRuns(name)
            let history = runs.isEmpty ? nil : try SegmentHistory.load(database, segmentation: name, segments: definition.segments, lastRuns: 2)
            var outcomes: SegmentOutcomes?
            var missing: String?
            if !runs.isEmpty {
                do {
                    outcomes = try SegmentOutcomes.measure(database, segmentation: name, segments: definition.segments, window: window, now: now)
                } catch let error as CRMError {
                    missing = error.description
                }
            }
            segmentations.append(Segmentation(
                name: name, plugin: plugin.name, sizes: order.map { ($0, counts[$0] ?? 0) },
                grid: try runs.last.flatMap { try grid(definition, of: plugin, asOf: $0.asOf, database: database, catalog: catalog) },
                history: history, outcomes: outcomes, outcomesMissing: missing))
        }
        return EvaluationReport(
            generatedAt: now, window: window, segmentations: segmentations, jobs: try database.jobHistory(limit: 10),
            quality: try DataQuality.inspect(
                database, catalog: catalog, now: now, staleSince: Timestamp(microsecondsSinceEpoch: now.microsecondsSinceEpoch - 365 * 86_400_000_000)))
    }

    /// The grid the segmentation declares (`grid = { "r", "f" }`), as of its last run.
    private static func grid(
        _ segmentation: SegmentationDefinition, of plugin: LoadedPlugin, asOf: Timestamp, database: CRMDatabase, catalog: PluginCatalog
    ) throws -> Grid? {
        guard segmentation.grid.count == 2,
            let rowRank = segmentation.ranks.first(where: { $0.name == segmentation.grid[0] }),
            let columnRank = segmentation.ranks.first(where: { $0.name == segmentation.grid[1] })
        else { return nil }
        let profiles = try database.profiles(asOf: asOf, fields: catalog.fields, shape: catalog.profileShape)
        let statistics = PopulationStatistics(table: profiles)
        let rows = try statistics.ranks(rowRank)
        let columns = try statistics.ranks(columnRank)
        let members = Dictionary(try database.members(segmentation: segmentation.name).map { ($0.customerID, $0.segment) }, uniquingKeysWith: { a, _ in a })
        var counts = [[Int]](repeating: [Int](repeating: 0, count: columnRank.tiles), count: rowRank.tiles)
        var segmentCounts = [[[String: Int]]](repeating: [[String: Int]](repeating: [:], count: columnRank.tiles), count: rowRank.tiles)
        for customer in 0..<profiles.count {
            let row = Int(rows[customer]) - 1
            let column = Int(columns[customer]) - 1
            guard row >= 0, column >= 0, row < rowRank.tiles, column < columnRank.tiles else { continue }
            counts[row][column] += 1
            if let segment = members[profiles.ids[customer]] { segmentCounts[row][column][segment, default: 0] += 1 }
        }
        let segments = segmentCounts.map { row in
            row.map { cell in cell.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key ?? "" }
        }
        return Grid(rows: rowRank.name, columns: columnRank.name, asOf: asOf, counts: counts, segments: segments)
    }
}
