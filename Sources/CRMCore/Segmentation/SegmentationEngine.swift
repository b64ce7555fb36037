import GRDB
import LuaBridge

/// Runs segmentations: builds profiles once, computes each segmentation's population ranks and
/// statistics, calls its `classify` for every customer, and writes only the memberships that
/// changed, with one transition each, atomically with the run record.
public struct SegmentationEngine {
    let database: CRMDatabase
    let catalog: PluginCatalog
    /// Told how many customers each segmentation has classified (the CLI draws it on a terminal).
    public var progress: ProgressReporter?

    /// Wraps `classify(c, p)` as `f(c)` so the hot call passes one reused table.
    static let wrapperSource = "return function(classify, p) return function(c) return classify(c, p) end end"

    /// The same for a segmentation with `explain`: the second function explains the segment the
    /// first one has just returned for the same customer.
    static let explainingWrapperSource = """
        return function(classify, explain, p)
          local last
          return function(c) local segment, reason = classify(c, p); last = segment; return segment, reason end,
                 function(c) return explain(c, p, last) end
        end
        """

    public init(database: CRMDatabase, catalog: PluginCatalog) {
        self.database = database
        self.catalog = catalog
    }

    /// What a run reports before its segmentations' outcomes.
    public enum Progress {
        /// Profiles of `customers` customers were built in `duration`.
        case profilesBuilt(customers: Int, duration: Duration)
        /// A computed field was recomputed (or failed, its values unchanged).
        case fieldComputed(Result<FieldComputation, SegmentationError>)
        /// The follow-up actions on the segmentations that ran fired (or, in a dry run, would fire).
        case followUps(FollowUpSummary)
    }

    /// Runs `names` (every segmentation when empty) as of `asOf`. Computed custom fields are
    /// recomputed first (not in a dry run) so `classify` sees them: all of them when every
    /// segmentation runs, else those the selected plugins mention or declare. A segmentation
    /// that fails is reported in the result and the others still run. An `asOf` earlier than a
    /// selected segmentation's latest run is refused unless `rewind` (see `refuseBackdating`).
    public func run(
        _ names: [String], asOf: Timestamp, dryRun: Bool = false, rewind: Bool = false, progress: (Progress) -> Void = { _ in }
    ) throws -> [Result<SegmentationOutcome, SegmentationError>] {
        let selected = try select(names)
        if !dryRun && !rewind { try refuseBackdating(selected, asOf: asOf) }
        let start = ContinuousClock.now
        var profiles = try database.profiles(asOf: asOf, fields: catalog.fields)
        progress(.profilesBuilt(customers: profiles.count, duration: ContinuousClock.now - start))
        let needed = neededFields(by: names.isEmpty ? nil : selected.map(\.0))
        if !dryRun && !needed.isEmpty {
            for result in try CustomFields(database: database, catalog: catalog).computeFields(needed, profiles: &profiles) {
                progress(.fieldComputed(result))
            }
        }
        let statistics = PopulationStatistics(table: profiles)
        let followUps = try FollowUpRun(segmentations: Set(selected.map(\.1.name)), catalog: catalog, profiles: profiles, database: database)
        if !dryRun && !followUps.isEmpty { try followUps.startCursors() }
        let outcomes: [Result<SegmentationOutcome, SegmentationError>] = try selected.map { plugin, segmentation in
            let start = ContinuousClock.now
            do {
                return .success(try run(
                    segmentation, of: plugin, profiles: profiles, statistics: statistics, dryRun: dryRun, rewind: rewind, start: start))
            } catch let error as SegmentationError {
                if !dryRun {
                    try database.recordFailedRun(
                        kind: "segmentation", subject: error.segmentation, asOf: asOf, since: start, error: error.description,
                        plugin: identity(plugin))
                }
                return .failure(error)
            }
        }
        if !followUps.isEmpty {
            var wouldMove: [String: [FollowUpEvent]] = [:]
            for case .success(let outcome) in outcomes { wouldMove[outcome.segmentation] = outcome.wouldMove }
            progress(.followUps(try followUps.fire(dryRun: dryRun, wouldMove: wouldMove)))
        }
        return outcomes
    }

    /// Computed fields a run of `plugins` may read: declared by one of them or named in its
    /// source (every computed field when `plugins` is nil).
    private func neededFields(by plugins: [LoadedPlugin]?) -> [String] {
        let computed = catalog.fields.filter { $0.definition.isComputed }
        guard let plugins else { return computed.map(\.name) }
        let needed = computed.filter { field in
            plugins.contains { $0 === field.plugin || $0.source.contains(field.name) }
        }
        return needed.map(\.name)
    }

    private func select(_ names: [String]) throws -> [(LoadedPlugin, SegmentationDefinition)] {
        if names.isEmpty { return catalog.segmentations.map { ($0.plugin, $0.segmentation) } }
        return try names.map { name in
            guard let found = catalog.segmentation(named: name) else {
                throw NameSuggestion.unknown("segmentation", name, known: catalog.segmentations.map(\.segmentation.name))
            }
            return (found.plugin, found.segmentation)
        }
    }

    private func identity(_ plugin: LoadedPlugin) -> PluginIdentity {
        PluginIdentity(name: plugin.name, version: plugin.version, hash: plugin.hash)
    }

    private func run(
        _ segmentation: SegmentationDefinition, of plugin: LoadedPlugin, profiles: ProfileTable,
        statistics: PopulationStatistics, dryRun: Bool, rewind: Bool, start: ContinuousClock.Instant
    ) throws -> SegmentationOutcome {
        let inputs = try PopulationInputs(needs: segmentation, plugin: plugin, profiles: profiles, statistics: statistics, database: database)
        // The current memberships are read in the transaction that writes the changes, so two
        // racing runs never write a change from a stale segment.
        let classification = { (db: Database) throws -> Classification in
            try self.classify(segmentation, of: plugin, profiles: profiles, inputs: inputs, db: db, explaining: !dryRun)
        }
        var result: Classification
        var runID: Int64?
        var removed = 0
        var wouldMove: [FollowUpEvent] = []
        if dryRun {
            result = try database.read(classification)
            wouldMove = (0..<result.changes.count).map { change in
                FollowUpEvent(
                    customerPK: profiles.pks[Int(result.changes.rows[change])], transitionID: 0,
                    from: result.changes.name(result.changes.from[change]), to: result.changes.name(result.changes.to[change]))
            }
        } else {
            (result, runID, removed) = try database.write { db in
                let result = try classification(db)
                let changes = result.changes
                let sizes = Dictionary(uniqueKeysWithValues: zip(segmentation.segments, result.counts))
                let id = try RunLog.begin(
                    db, kind: "segmentation", subject: segmentation.name, asOf: profiles.asOf, startedAt: Timestamp.now(),
                    plugin: identity(plugin))
                try MembershipStore.apply(
                    db, changes: changes, pks: profiles.pks, segmentation: segmentation.name, runID: id, asOf: profiles.asOf)
                let removed = rewind ? try MembershipStore.removeCustomersCreated(after: profiles.asOf, db, segmentation: segmentation.name) : 0
                if changes.count + removed > 0 { try MembershipStore.recordSizes(db, runID: id, segmentation: segmentation.name, sizes: sizes) }
                try RunLog.finish(
                    db,
                    run: Run(
                        id: id, kind: "segmentation", subject: segmentation.name, asOf: profiles.asOf, startedAt: Timestamp.now(),
                        durationMS: (ContinuousClock.now - start).wholeMilliseconds, outcome: "succeeded",
                        rowsRead: result.customers, inserted: changes.count - changes.updates,
                        updated: changes.updates, rejected: 0, error: nil))
                return (result, id, removed)
            }
        }
        let changes = result.changes
        let counts = result.counts
        let matrix = result.matrix
        let customers = result.customers
        let luaTime = result.luaTime
        let sizes = Dictionary(uniqueKeysWithValues: zip(segmentation.segments, counts))
        return SegmentationOutcome(
            segmentation: segmentation.name, plugin: identity(plugin), runID: runID, asOf: profiles.asOf,
            customers: customers, sizes: segmentation.segments.map { ($0, sizes[$0] ?? 0) },
            changed: changes.count, removed: removed,
            matrix: Dictionary(
                uniqueKeysWithValues: matrix.enumerated().filter { $0.element.contains { $0 > 0 } }.map { from, row in
                    (from == 0 ? "" : changes.names[from - 1], Dictionary(uniqueKeysWithValues: zip(segmentation.segments, row).filter { $0.1 > 0 }))
                }),
            duration: ContinuousClock.now - start, luaDuration: luaTime, wouldMove: wouldMove)
    }

    /// The classification of every customer against the memberships stored in `db`.
    struct Classification {
        var changes: SegmentChanges
        var counts: [Int]
        /// Customers by previous segment (row 0: none, row 1 + code: that segment) and new segment.
        var matrix: [[Int]]
        var customers: Int
        var luaTime: Duration
    }

    /// Calls `classify` for every customer and keeps the changes against the current
    /// memberships; `explain` is asked only for customers who move, and only when `explaining`.
    private func classify(
        _ segmentation: SegmentationDefinition, of plugin: LoadedPlugin, profiles: ProfileTable, inputs: PopulationInputs,
        db: Database, explaining: Bool
    ) throws -> Classification {
        var luaTime = Duration.zero
        var changes = SegmentChanges(declared: segmentation.segments)
        changes.reserveCapacity(profiles.count)
        let current = try MembershipStore.current(db, segmentation: segmentation.name, pks: profiles.pks, changes: &changes)
        let declared = Dictionary(uniqueKeysWithValues: segmentation.segments.enumerated().map { ($1, $0) })
        let name = segmentation.name
        // Counted as they come: only the customers who move keep their reason in memory.
        var customers = 0
        var counts = [Int](repeating: 0, count: segmentation.segments.count)
        // Customers by previous segment (row 0: none, row 1 + code: that segment) and new segment.
        var matrix = [[Int]](repeating: counts, count: changes.names.count + 1)
        // `explain` is asked only for customers who move (and never in a dry run, which shows no reasons).
        let secondCall = segmentation.explain.map { explain in
            ProfileLoop.SecondCall(function: explain, name: "explain") { customer, segment in
                explaining && declared[segment].map { Int16($0) != current[customer] } ?? false
            }
        }
        progress?.begin(name, unit: "customers classified", total: profiles.count)
        try ProfileLoop(plugin: plugin, profiles: profiles, inputs: inputs, subject: name, functionName: "classify").run(
            function: segmentation.classify, secondCall: secondCall,
            wrapperSource: secondCall == nil ? Self.wrapperSource : Self.explainingWrapperSource, luaTime: &luaTime
        ) { customer, segment, reason throws(SegmentationError) in
            guard let segment else {
                throw SegmentationError(
                    segmentation: name, file: plugin.file, function: "classify", customerID: profiles.ids[customer],
                    message: "returned no segment; expected one of: \(segmentation.segments.joined(separator: ", "))")
            }
            guard let index = declared[segment] else {
                throw SegmentationError(
                    segmentation: name, file: plugin.file, function: "classify", customerID: profiles.ids[customer],
                    message: "returned \"\(segment)\", which is not a declared segment (declared: \(segmentation.segments.joined(separator: ", ")))")
            }
            customers += 1
            if customers % 1024 == 0 { progress?.update(count: customers, done: customers) }
            counts[index] += 1
            let previous = current[customer]
            matrix[Int(previous) + 1][index] += 1
            if previous != Int16(index) {
                changes.append(row: customer, from: previous, to: Int16(index), reason: reason)
            }
        }
        return Classification(changes: changes, counts: counts, matrix: matrix, customers: customers, luaTime: luaTime)
    }
}
