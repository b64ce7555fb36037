import LuaBridge

/// What the core computes for one segmentation or score before calling the plugin for anyone:
/// its ranks, its cumulative shares and the `p` table (parameters, statistics, frequencies, as-of).
struct PopulationInputs {
    let tiles: [(name: String, values: [Int32])]
    let shares: [(name: String, values: [Double?])]
    let params: LuaValue

    init(tiles: [(name: String, values: [Int32])], shares: [(name: String, values: [Double?])], params: LuaValue) {
        self.tiles = tiles
        self.shares = shares
        self.params = params
    }

    init(
        needs segmentation: any PopulationNeeds, plugin: LoadedPlugin, profiles: ProfileTable, statistics: PopulationStatistics,
        database: CRMDatabase
    ) throws {
        tiles = try segmentation.ranks.map { ($0.name, try statistics.ranks($0)) }
        shares = try segmentation.shareRanks.map { ($0.name, try statistics.shares($0)) }
        var fields = try PluginParameters.resolve(plugin, in: database).luaFields
        var stats: [LuaValue: LuaValue] = [:]
        for field in segmentation.stats {
            guard let summary = try statistics.statistics(of: field, among: .buyers) else { continue }
            var values: [LuaValue: LuaValue] = [
                "count": .integer(Int64(summary.count)), "sum": .number(summary.sum), "mean": .number(summary.mean),
                "min": .number(summary.min), "max": .number(summary.max),
            ]
            for (name, value) in summary.quantiles { values[.string(name)] = .number(value) }
            stats[.string(field)] = .table(values)
        }
        var frequencies: [LuaValue: LuaValue] = [:]
        for spec in segmentation.frequencies {
            let ranks = tiles.first { $0.name == spec.rank }?.values ?? []
            let shares = try statistics.frequencies(of: spec.fields) { ranks.indices.contains($0) && ranks[$0] >= spec.atLeast }
            frequencies[.string(spec.name)] = Self.table(shares)
        }
        fields["stats"] = .table(stats)
        fields["frequencies"] = .table(frequencies)
        fields["as_of"] = .string(profiles.asOf.iso8601)
        fields["as_of_date"] = .string(profiles.asOfDate.iso8601)
        params = .table(fields)
    }

    /// The `p` table for a plugin's own examples: parameters (defaults, or the example's),
    /// empty statistics and frequency tables.
    static func exampleParams(_ segmentation: any PopulationNeeds, plugin: LoadedPlugin, params exampleParams: [String: LuaValue]) -> LuaValue {
        var fields: [LuaValue: LuaValue] = [:]
        for (key, value) in plugin.definition.params { fields[.string(key)] = value.luaValue }
        for (key, value) in exampleParams { fields[.string(key)] = value }
        var frequencies: [LuaValue: LuaValue] = [:]
        for spec in segmentation.frequencies {
            frequencies[.string(spec.name)] = table(Dictionary(uniqueKeysWithValues: spec.fields.map { ($0, [String: Double]()) }))
        }
        if fields["stats"] == nil { fields["stats"] = .table([:]) }
        if fields["frequencies"] == nil { fields["frequencies"] = .table(frequencies) }
        if fields["as_of"] == nil { fields["as_of"] = .string("2025-01-01T00:00:00Z") }
        if fields["as_of_date"] == nil { fields["as_of_date"] = .string("2025-01-01") }
        return .table(fields)
    }

    private static func table(_ shares: [String: [String: Double]]) -> LuaValue {
        var outer: [LuaValue: LuaValue] = [:]
        for (field, values) in shares {
            var inner: [LuaValue: LuaValue] = [:]
            for (value, share) in values { inner[.string(value)] = .number(share) }
            outer[.string(field)] = .table(inner)
        }
        return .table(outer)
    }
}
