import Foundation
import LuaBridge

/// What one score run computed.
public struct ScoreOutcome: Sendable {
    public let score: String
    public let plugin: PluginIdentity
    public let runID: Int64
    public let customers: Int
    /// Customers whose value or explanation changed (and were written).
    public let changed: Int
    public let mean: Double
    public let duration: Duration
    public let luaDuration: Duration
}

/// Runs plugin scores: `compute(c, p)` for every customer, optional decay applied by the core,
/// and only changed values written, atomically with the run record.
public struct ScoreEngine {
    let database: CRMDatabase
    let catalog: PluginCatalog
    /// How many Lua states compute at once (`ParallelProfileLoop`).
    var states = ParallelProfileLoop.States.perCore

    /// Calls `compute` and turns a non-number into a marker the host reports (with the type).
    static let wrapperSource = """
        return function(compute, p) return function(c)
          local v, why = compute(c, p)
          if type(v) ~= "number" then return "!" .. type(v), why end
          return string.format("%.17g", v), why
        end end
        """

    public init(database: CRMDatabase, catalog: PluginCatalog) {
        self.database = database
        self.catalog = catalog
    }

    /// Every score of every loaded plugin.
    public var scores: [(plugin: LoadedPlugin, score: ScoreDefinition)] {
        catalog.plugins.flatMap { plugin in plugin.definition.scores.map { (plugin, $0) } }
    }

    /// Runs `names` (all scores when empty) as of `asOf`; a failing score is reported and the
    /// others still run.
    public func run(_ names: [String], asOf: Timestamp) throws -> [Result<ScoreOutcome, SegmentationError>] {
        let selected = try names.isEmpty ? scores : names.map { name in
            guard let found = scores.first(where: { $0.score.name == name }) else {
                throw NameSuggestion.unknown("score", name, known: scores.map(\.score.name))
            }
            return found
        }
        let profiles = try database.profiles(asOf: asOf, fields: catalog.fields, shape: catalog.profileShape, keep: true)
        try database.keep(profiles)
        let statistics = PopulationStatistics(table: profiles)
        return try selected.map { plugin, score in
            let start = ContinuousClock.now
            do {
                return .success(try run(score, of: plugin, profiles: profiles, statistics: statistics))
            } catch let error as SegmentationError {
                try database.recordFailedRun(
                    kind: .score, subject: score.name, asOf: asOf, since: start, error: error.description,
                    plugin: PluginIdentity(name: plugin.name, version: plugin.version, hash: plugin.hash))
                return .failure(error)
            }
        }
    }

    private func run(
        _ score: ScoreDefinition, of plugin: LoadedPlugin, profiles: ProfileTable, statistics: PopulationStatistics
    ) throws -> ScoreOutcome {
        let start = ContinuousClock.now
        let inputs = try PopulationInputs(needs: score, plugin: plugin, profiles: profiles, statistics: statistics, database: database)
        let decayField = score.decay.flatMap { decay in
            ProfileField.all(for: profiles).first { $0.name == decay.field }
        }
        let name = score.name
        let loop = ParallelProfileLoop(
            plugin: plugin, profiles: profiles, inputs: inputs, subject: name, functionName: "compute",
            function: { state in state.definition.scores.first(where: { $0.name == name })?.compute },
            wrapperSource: Self.wrapperSource, states: states)
        let (values, luaTime) = try loop.run {
            customer, text, explanation throws(SegmentationError) -> (customerPK: Int64, value: Double, explanation: String?) in
            guard let text, !text.hasPrefix("!"), let number = Double(text), number.isFinite else {
                let got = text.map { $0.hasPrefix("!") ? "a \($0.dropFirst())" : $0 } ?? "nothing"
                throw SegmentationError(
                    segmentation: name, file: plugin.file, function: "compute", customerID: profiles.ids[customer],
                    message: "returned \(got); expected a finite number")
            }
            var value = number
            var explanation = explanation
            if let decay = score.decay, let field = decayField {
                let age = field.read(profiles, customer).numeric
                value = decay.apply(to: value, age: age)
                if age == nil, decay.whenMissing == .decayed {
                    explanation = (explanation.map { $0 + "; " } ?? "") + "no \(decay.field): fully decayed"
                }
            }
            if let decimals = score.decimals {
                let scale = pow(10, Double(decimals))
                value = (value * scale).rounded() / scale
            }
            return (profiles.pks[customer], value, explanation)
        }
        let pks = values.map(\.customerPK)
        let current = try database.read { db in try ScoreStore.current(db, score: score.name, pks: pks) }
        let changedRows = RowChanges.rows(
            new: values.map { ScoreStore.Stored(value: $0.value, explanation: $0.explanation) as ScoreStore.Stored? }, stored: current)
        let changed = changedRows.map { values[$0] }
        let inserted = changedRows.count { current[$0] == nil }
        let identity = PluginIdentity(name: plugin.name, version: plugin.version, hash: plugin.hash)
        let runID = try database.write { db in
            let id = try RunLog.begin(db, kind: .score, subject: score.name, asOf: profiles.asOf, startedAt: Timestamp.now(), plugin: identity)
            try ScoreStore.write(db, score: score.name, values: changed, runID: id, asOf: profiles.asOf)
            try RunLog.finish(
                db,
                run: Run(
                    id: id, kind: .score, subject: score.name, asOf: profiles.asOf, startedAt: Timestamp.now(),
                    durationMS: (ContinuousClock.now - start).wholeMilliseconds, outcome: .succeeded, rowsRead: values.count,
                    inserted: inserted, updated: changed.count - inserted,
                    rejected: 0, error: nil))
            return id
        }
        let total = values.reduce(0) { $0 + $1.value }
        return ScoreOutcome(
            score: score.name, plugin: identity, runID: runID, customers: values.count, changed: changed.count,
            mean: values.isEmpty ? 0 : total / Double(values.count), duration: ContinuousClock.now - start, luaDuration: luaTime)
    }
}
