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

    /// Computes `field` for every customer of `profiles` and updates its column in `profiles`.
    func compute(_ field: CustomField, profiles: inout ProfileTable, statistics: PopulationStatistics) throws -> FieldComputation {
        guard let function = field.definition.compute else {
            throw CRMError.invalidArgument("field '\(field.name)' is not computed; set it with `crm field set`")
        }
        let plugin = field.plugin
        let start = ContinuousClock.now
        let inputs = try PopulationInputs(needs: field.definition, plugin: plugin, profiles: profiles, statistics: statistics, database: database)
        var values = [FieldValue?](repeating: nil, count: profiles.count)
        var luaTime = Duration.zero
        let table = profiles
        try ProfileLoop(plugin: plugin, profiles: table, inputs: inputs, subject: field.name, functionName: "compute").run(
            function: function, wrapperSource: Self.wrapperSource, luaTime: &luaTime
        ) { customer, text, wrongType throws(SegmentationError) in
            let id = table.ids[customer]
            if let wrongType {
                throw SegmentationError(
                    segmentation: field.name, file: plugin.file, function: "compute", customerID: id,
                    message: "returned \(wrongType); field '\(field.name)' is a \(field.definition.type.rawValue)")
            }
            guard let text else { return }
            switch field.definition.parse(text) {
            case .failure(let problem):
                throw SegmentationError(
                    segmentation: field.name, file: plugin.file, function: "compute", customerID: id,
                    message: "returned \(problem.reason)")
            case .success(let value):
                if let problem = field.check(computed: value) {
                    throw SegmentationError(
                        segmentation: field.name, file: plugin.file, function: "compute", customerID: id, message: "returned \(problem.reason)")
                }
                values[customer] = value
            }
        }
        let identity = PluginIdentity(name: plugin.name, version: plugin.version, hash: plugin.hash)
        let (runID, changed, changes) = try database.write { db -> (Int64, Int, (Int64, Int64)) in
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
        let fallback = field.definition.defaultValue?.profileValue ?? .missing
        profiles.setCustomField(field.name, values: ProfileColumn(values.lazy.map { $0?.profileValue ?? fallback }))
        // The table now holds what this computation wrote: it can still be kept.
        profiles.keeping = profiles.keeping?.advanced(from: changes.0, to: changes.1)
        return FieldComputation(field: field.name, plugin: identity, runID: runID, customers: table.count, changed: changed)
    }
}
