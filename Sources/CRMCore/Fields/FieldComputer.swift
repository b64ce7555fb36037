import LuaBridge

/// What computing one field did.
public struct FieldComputation: Sendable {
    public let field: String
    public let plugin: PluginIdentity
    public let runID: Int64
    public let customers: Int
    public let changed: Int
}

/// Runs computed fields' `compute(c, p)` for every customer, checks each value against the
/// field's declaration, and stores the values that changed with the run that computed them.
struct FieldComputer {
    let database: CRMDatabase
    /// How many Lua states compute at once (`ParallelProfileLoop`).
    var states = ParallelProfileLoop.States.perCore

    /// Turns what `compute` returned into text the field's parser reads, or an error type.
    static let wrapperSource = """
        return function(compute, p) return function(c)
          local v = compute(c, p)
          local t = type(v)
          if v == nil then return nil, nil end
          if t == "string" then return v, nil end
          if t == "boolean" then return tostring(v), nil end
          if t == "number" then
            if math.type(v) == "integer" then return tostring(v), nil end
            if v ~= v or v == math.huge or v == -math.huge then return nil, tostring(v) end
            local text = string.format("%.6f", v):gsub("0+$", ""):gsub("%.$", "")
            return text, nil
          end
          return nil, "a " .. t
        end end
        """

    /// `compute` for every customer of `profiles` (Lua, outside any transaction): one checked
    /// value per profile row.
    func values(of field: CustomField, profiles table: ProfileTable, statistics: PopulationStatistics) throws -> [FieldValue?] {
        guard field.definition.compute != nil else {
            throw CRMError.invalidArgument("field '\(field.name)' is not computed; set it with `crm field set`")
        }
        let plugin = field.plugin
        let inputs = try PopulationInputs(needs: field.definition, plugin: plugin, profiles: table, statistics: statistics, database: database)
        let name = field.name, definition = field.definition
        // A `pattern` or `validate` check runs in the plugin's own state, so such a field computes
        // in that state only; the others on one state per core.
        let checked = definition.pattern != nil || definition.validate != nil
        let loop = ParallelProfileLoop(
            plugin: plugin, profiles: table, inputs: inputs, subject: name, functionName: "compute",
            function: { state in state.definition.fields.first(where: { $0.name == name })?.compute },
            wrapperSource: Self.wrapperSource, states: checked ? .one : states)
        return try loop.run { customer, text, wrongType throws(SegmentationError) -> FieldValue? in
            let id = table.ids[customer]
            if let wrongType {
                throw SegmentationError(
                    segmentation: name, file: plugin.file, function: "compute", customerID: id,
                    message: "returned \(wrongType); field '\(name)' is a \(definition.type.rawValue)")
            }
            guard let text else { return nil }
            switch definition.parse(text) {
            case .failure(let problem):
                throw SegmentationError(
                    segmentation: name, file: plugin.file, function: "compute", customerID: id, message: "returned \(problem.reason)")
            case .success(let value):
                if checked, let problem = field.check(computed: value) {
                    throw SegmentationError(
                        segmentation: name, file: plugin.file, function: "compute", customerID: id, message: "returned \(problem.reason)")
                }
                return value
            }
        }.0
    }

    /// The profile column of computed `values`: the field's default where `compute` gave nil.
    static func column(_ field: CustomField, _ values: [FieldValue?]) -> ProfileColumn {
        let fallback = field.definition.defaultValue?.profileValue ?? .missing
        return ProfileColumn(values.lazy.map { $0?.profileValue ?? fallback })
    }

    /// Stores the values that changed with a run record; `profiles` already holds the column
    /// (`column`) and now records that it includes what this write logged, so it can be kept.
    func store(
        _ field: CustomField, values: [FieldValue?], profiles: inout ProfileTable, start: ContinuousClock.Instant
    ) throws -> FieldComputation {
        let plugin = field.plugin
        let table = profiles
        let identity = PluginIdentity(name: plugin.name, version: plugin.version, hash: plugin.hash)
        let (runID, changed, changes) = try database.write(trustingCustomersSince: table.customerStamp) { db -> (Int64, Int, (Int64, Int64)) in
            let before = try KeptProfileStore.lastChange(db)
            let id = try RunLog.begin(db, kind: .field, subject: field.name, asOf: table.asOf, startedAt: Timestamp.now(), plugin: identity)
            let changed = try FieldStore.replace(db, field: field.name, pks: table.pks, with: values.lazy.map { $0?.json }, runID: id)
            try RunLog.finish(
                db,
                run: Run(
                    id: id, kind: .field, subject: field.name, asOf: table.asOf, startedAt: Timestamp.now(),
                    durationMS: (ContinuousClock.now - start).wholeMilliseconds, outcome: .succeeded, rowsRead: table.count,
                    inserted: 0, updated: changed, rejected: 0, error: nil))
            return (id, changed, (before, try KeptProfileStore.lastChange(db)))
        }
        profiles.keeping = profiles.keeping?.advanced(from: changes.0, to: changes.1)
        return FieldComputation(field: field.name, plugin: identity, runID: runID, customers: table.count, changed: changed)
    }
}
