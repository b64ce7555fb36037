import LuaBridge

/// A parameter value a plugin declares in `params` (and a database may override).
public enum ParameterValue: Equatable, Sendable, CustomStringConvertible {
    case integer(Int64)
    case number(Double)
    case text(String)
    case boolean(Bool)

    public var description: String {
        switch self {
        case .integer(let value): return String(value)
        case .number(let value): return String(value)
        case .text(let value): return value
        case .boolean(let value): return String(value)
        }
    }

    var luaValue: LuaValue {
        switch self {
        case .integer(let value): return .integer(value)
        case .number(let value): return .number(value)
        case .text(let value): return .string(value)
        case .boolean(let value): return .boolean(value)
        }
    }

    /// Parses `text` as a value of the same type as `self` (for `crm plugin set`).
    func parsingSameType(_ text: String) -> ParameterValue? {
        switch self {
        case .integer: return Int64(text).map(ParameterValue.integer)
        case .number: return Double(text).flatMap { $0.isFinite ? ParameterValue.number($0) : nil }
        case .text: return .text(text)
        case .boolean:
            switch text {
            case "true": return .boolean(true)
            case "false": return .boolean(false)
            default: return nil
            }
        }
    }

    var typeName: String {
        switch self {
        case .integer: return "integer"
        case .number: return "number"
        case .text: return "string"
        case .boolean: return "boolean"
        }
    }
}

/// A rank computed as the cumulative share of a total instead of a tile.
public struct ShareRankSpec: Sendable, Equatable {
    public var name: String
    public var field: String
    public var descending: Bool
    public var among: Population
}

/// A group of customers and the text fields whose value shares a plugin wants (`frequencies`).
public struct FrequencySpec: Sendable, Equatable {
    public var name: String
    public var rank: String
    public var atLeast: Int
    public var fields: [String]
}

/// An example a segmentation declares: a customer, optional params, the expected segment.
public struct SegmentationExample {
    public var customer: [String: LuaValue]
    public var params: [String: LuaValue]
    public var segment: String
}

/// What the core computes over the whole population before a plugin function runs.
public protocol PopulationNeeds {
    var ranks: [RankSpec] { get }
    var shareRanks: [ShareRankSpec] { get }
    var stats: [String] { get }
    var frequencies: [FrequencySpec] { get }
}

/// An example a score declares: a customer, optional params, the expected value.
public struct ScoreExample {
    public var customer: [String: LuaValue]
    public var params: [String: LuaValue]
    public var score: Double
}

/// Exponential decay of a score with the age of what it is based on:
/// value × 0.5 ^ (c[field] / halfLifeDays).
public struct ScoreDecay: Sendable, Equatable {
    public var halfLifeDays: Double
    /// A profile field in days, e.g. `days_since_last_interaction`; no decay when it is nil.
    public var field: String
}

/// One numeric score of a plugin, validated.
public struct ScoreDefinition: PopulationNeeds {
    public let name: String
    public let description: String?
    public let ranks: [RankSpec]
    public let shareRanks: [ShareRankSpec]
    public let stats: [String]
    public let frequencies: [FrequencySpec]
    public let compute: LuaFunctionRef
    public let decay: ScoreDecay?
    public let examples: [ScoreExample]
}

/// One segmentation of a plugin, validated.
public struct SegmentationDefinition: PopulationNeeds {
    public let name: String
    public let description: String?
    public let segments: [String]
    public let ranks: [RankSpec]
    public let shareRanks: [ShareRankSpec]
    public let stats: [String]
    public let frequencies: [FrequencySpec]
    public let classify: LuaFunctionRef
    /// `explain(c, p, segment)`: the reason, asked only for customers who change segment and
    /// only when `classify` gave none.
    public let explain: LuaFunctionRef?
    public let examples: [SegmentationExample]
    /// `grid = { "r", "f" }`: two of its ranks whose grid `crm report` charts (rows, columns).
    public var grid: [String] = []
}

/// A plugin file after loading and validation.
public struct PluginDefinition {
    public let name: String
    public let version: String
    public let description: String
    public let params: [(key: String, value: ParameterValue)]
    public let permissions: [String]
    public let segmentations: [SegmentationDefinition]
    public let scores: [ScoreDefinition]
    public let fields: [FieldDefinition]
    /// Follow-up actions on segment changes.
    public let actions: [ActionDefinition]
    /// Scheduled jobs (`JobSchema`).
    public internal(set) var jobs: [JobDefinition] = []
}
