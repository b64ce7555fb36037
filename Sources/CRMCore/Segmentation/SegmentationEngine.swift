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

    /// How many Lua states classify at once, each on its own range of customers (one per core,
    /// at most two, by default; results are identical to one state).
    var classificationStates: SegmentClassification.States

    public init(database: CRMDatabase, catalog: PluginCatalog) {
        self.init(database: database, catalog: catalog, classificationStates: .perCore)
    }

    init(database: CRMDatabase, catalog: PluginCatalog, classificationStates: SegmentClassification.States) {
        self.database = database
        self.catalog = catalog
        self.classificationStates = classificationStates
    }

    /// What a run reports before its segmentations' outcomes.
    public enum Progress {
        /// Profiles of `customers` customers were built in `duration`.
        case profilesBuilt(customers: Int, duration: Duration, origin: ProfileTable.Origin)
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
        var profiles = try database.profiles(asOf: asOf, fields: catalog.fields, shape: catalog.profileShape, keep: !dryRun)
        progress(.profilesBuilt(customers: profiles.count, duration: ContinuousClock.now - start, origin: profiles.origin))
        let needed = neededFields(by: names.isEmpty ? nil : selected.map(\.0))
        // The first segmentation classifies while the last computed field is written and the
        // profile kept: from then on the profile's columns do not change.
        var early: (statistics: PopulationStatistics, first: Background<Classified>?)?
        defer { _ = early?.first?.wait() }
        if !dryRun && !needed.isEmpty {
            let fields = try CustomFields(database: database, catalog: catalog).computeFields(
                needed, profiles: &profiles, states: classificationStates
            ) { computed in
                let statistics = PopulationStatistics(table: computed)
                early = (statistics, classification(of: selected, 0, profiles: computed, statistics: statistics))
            }
            for result in fields { progress(.fieldComputed(result)) }
        }
        if !dryRun { try database.keep(profiles) }
        let statistics = early?.statistics ?? PopulationStatistics(table: profiles)
        let followUps = try FollowUpRun(segmentations: Set(selected.map(\.1.name)), catalog: catalog, profiles: profiles, database: database)
        if !dryRun && !followUps.isEmpty { try followUps.startCursors() }
        let outcomes = try run(selected, profiles: profiles, statistics: statistics, first: early?.first, dryRun: dryRun, rewind: rewind)
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

    /// A segmentation's classification started on another thread, and when it started.
    private typealias Classified = (start: ContinuousClock.Instant, result: Result<SegmentClassification, any Error>)

    /// Starts classifying `selected[index]` on another thread (nil past the end).
    private func classification(
        of selected: [(LoadedPlugin, SegmentationDefinition)], _ index: Int, profiles: ProfileTable, statistics: PopulationStatistics
    ) -> Background<Classified>? {
        guard selected.indices.contains(index) else { return nil }
        let (plugin, segmentation) = selected[index]
        return Background {
            (ContinuousClock.now, Result { try classify(segmentation, of: plugin, profiles: profiles, statistics: statistics) })
        }
    }

    /// The segmentations in turn, each classified on its Lua states while the one before writes
    /// its changes (a classification reads only the profiles, never the tables written); the
    /// first may have been started already (`first`). A segmentation that fails is recorded as
    /// a failed run and the others still run.
    private func run(
        _ selected: [(LoadedPlugin, SegmentationDefinition)], profiles: ProfileTable, statistics: PopulationStatistics,
        first: Background<Classified>?, dryRun: Bool, rewind: Bool
    ) throws -> [Result<SegmentationOutcome, SegmentationError>] {
        var next = first ?? classification(of: selected, 0, profiles: profiles, statistics: statistics)
        defer { _ = next?.wait() }
        var outcomes: [Result<SegmentationOutcome, SegmentationError>] = []
        for (index, (plugin, segmentation)) in selected.enumerated() {
            guard let classified = next?.wait() else { break }
            next = classification(of: selected, index + 1, profiles: profiles, statistics: statistics)
            let start = classified.start
            do {
                outcomes.append(.success(try store(
                    try classified.result.get(), segmentation: segmentation, of: plugin, profiles: profiles, dryRun: dryRun, rewind: rewind,
                    start: start)))
            } catch let error as SegmentationError {
                if !dryRun {
                    try database.recordFailedRun(
                        kind: .segmentation, subject: error.segmentation, asOf: profiles.asOf, since: start, error: error.description,
                        plugin: identity(plugin))
                }
                outcomes.append(.failure(error))
            }
        }
        return outcomes
    }

    /// One segmentation's classification (Lua, outside any transaction).
    private func classify(
        _ segmentation: SegmentationDefinition, of plugin: LoadedPlugin, profiles: ProfileTable, statistics: PopulationStatistics
    ) throws -> SegmentClassification {
        let inputs = try PopulationInputs(needs: segmentation, plugin: plugin, profiles: profiles, statistics: statistics, database: database)
        self.progress?.begin(segmentation.name, unit: "customers classified", total: profiles.count)
        return try SegmentClassification.classify(
            segmentation, of: plugin, profiles: profiles, inputs: inputs, states: classificationStates, progress: self.progress)
    }

    /// One segmentation's classification, in one write transaction compared with the stored
    /// memberships and its changes and run record written; then reported.
    private func store(
        _ classified: SegmentClassification, segmentation: SegmentationDefinition, of plugin: LoadedPlugin, profiles: ProfileTable,
        dryRun: Bool, rewind: Bool, start: ContinuousClock.Instant
    ) throws -> SegmentationOutcome {
        // The current memberships are read in the transaction that writes the changes, so two
        // racing runs never write a change from a stale segment.
        let compared: ComparedRun
        if dryRun {
            compared = try database.read { db in try compare(classified, segmentation: segmentation, profiles: profiles, db: db) }
        } else {
            compared = try database.write(trustingCustomersSince: profiles.customerStamp) { db in
                var compared = try compare(classified, segmentation: segmentation, profiles: profiles, db: db)
                compared.runID = try write(compared, classified: classified, segmentation: segmentation, of: plugin, profiles: profiles,
                                           rewind: rewind, start: start, db: db, removed: &compared.removed)
                return compared
            }
        }
        return report(compared, classified: classified, segmentation: segmentation, of: plugin, profiles: profiles, dryRun: dryRun, start: start)
    }

    /// A classification compared with the stored memberships.
    struct ComparedRun {
        var changes: SegmentChanges
        /// Customers by previous segment (row 0: none, row 1 + code: that segment) and new segment.
        var matrix: [[Int]]
        var runID: Int64?
        var removed = 0
    }

    /// Reads the current memberships and keeps only what changed.
    private func compare(
        _ classified: SegmentClassification, segmentation: SegmentationDefinition, profiles: ProfileTable, db: Database
    ) throws -> ComparedRun {
        var names = SegmentChanges(declared: segmentation.segments)
        let current = try MembershipStore.current(db, segmentation: segmentation.name, pks: profiles.pks, changes: &names)
        let changes = SegmentChanges.between(current: current, new: classified.codes, names: names)
        var matrix = [[Int]](repeating: [Int](repeating: 0, count: segmentation.segments.count), count: changes.names.count + 1)
        for row in classified.codes.indices {
            matrix[Int(current[row]) + 1][Int(classified.codes[row])] += 1
        }
        return ComparedRun(changes: changes, matrix: matrix)
    }

    /// Writes the changes, the sizes and the run record; returns the run's id.
    private func write(
        _ compared: ComparedRun, classified: SegmentClassification, segmentation: SegmentationDefinition, of plugin: LoadedPlugin,
        profiles: ProfileTable, rewind: Bool, start: ContinuousClock.Instant, db: Database, removed: inout Int
    ) throws -> Int64 {
        let changes = compared.changes
        let id = try RunLog.begin(
            db, kind: .segmentation, subject: segmentation.name, asOf: profiles.asOf, startedAt: Timestamp.now(), plugin: identity(plugin))
        try MembershipStore.apply(db, changes: changes, pks: profiles.pks, segmentation: segmentation.name, runID: id)
        removed = rewind ? try MembershipStore.removeCustomersCreated(after: profiles.asOf, db, segmentation: segmentation.name) : 0
        if changes.count + removed > 0 {
            let sizes = Dictionary(uniqueKeysWithValues: zip(segmentation.segments, classified.counts))
            try MembershipStore.recordSizes(db, runID: id, segmentation: segmentation.name, sizes: sizes)
        }
        try RunLog.finish(
            db,
            run: Run(
                id: id, kind: .segmentation, subject: segmentation.name, asOf: profiles.asOf, startedAt: Timestamp.now(),
                durationMS: (ContinuousClock.now - start).wholeMilliseconds, outcome: .succeeded,
                rowsRead: classified.codes.count, inserted: changes.count - changes.updates,
                updated: changes.updates, rejected: 0, error: nil))
        return id
    }

    /// What the run reports: sizes, the transition matrix by name, and (dry run) the moves.
    private func report(
        _ compared: ComparedRun, classified: SegmentClassification, segmentation: SegmentationDefinition, of plugin: LoadedPlugin,
        profiles: ProfileTable, dryRun: Bool, start: ContinuousClock.Instant
    ) -> SegmentationOutcome {
        let changes = compared.changes
        let wouldMove = !dryRun ? [] : (0..<changes.count).map { change in
            FollowUpEvent(
                customerPK: profiles.pks[Int(changes.rows[change])], transitionID: 0,
                from: changes.name(changes.from[change]), to: changes.name(changes.to[change]))
        }
        return SegmentationOutcome(
            segmentation: segmentation.name, plugin: identity(plugin), runID: compared.runID, asOf: profiles.asOf,
            customers: classified.codes.count, sizes: Array(zip(segmentation.segments, classified.counts)),
            changed: changes.count, removed: compared.removed,
            matrix: Dictionary(
                uniqueKeysWithValues: compared.matrix.enumerated().filter { $0.element.contains { $0 > 0 } }.map { from, row in
                    (from == 0 ? "" : changes.names[from - 1], Dictionary(uniqueKeysWithValues: zip(segmentation.segments, row).filter { $0.1 > 0 }))
                }),
            duration: ContinuousClock.now - start, luaDuration: classified.luaTime, wouldMove: wouldMove)
    }
}
