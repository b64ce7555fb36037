import Foundation
import LuaBridge

/// A parameter value a plugin declares in `params` (and a database may override). A plain
/// number default is a `number` (1000 accepts 1500.5); `{ default = 5, type = "integer" }`
/// declares an integer.
public enum ParameterValue: Equatable, Sendable, CustomStringConvertible {
    case integer(Int64)
    case number(Double)
    case text(String)
    case boolean(Bool)

    public var description: String {
        switch self {
        case .integer(let value): return String(value)
        case .number(let value): return Self.integral(value).map(String.init) ?? String(value)
        case .text(let value): return value
        case .boolean(let value): return String(value)
        }
    }

    var luaValue: LuaValue {
        switch self {
        case .integer(let value): return .integer(value)
        // As Lua's tonumber would give it: 1000 is an integer, 1500.5 a float.
        case .number(let value): return Self.integral(value).map(LuaValue.integer) ?? .number(value)
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

    /// The type name with its article: "an integer", "a number".
    var typeNameWithArticle: String {
        (typeName.first.map { "aeiou".contains($0) } ?? false ? "an " : "a ") + typeName
    }

    /// The value as an integer when it is a whole number within ±2^53.
    private static func integral(_ value: Double) -> Int64? {
        value == value.rounded() && abs(value) <= 9_007_199_254_740_992 ? Int64(value) : nil
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
    /// What a customer without a value of `field` (never interacted, say) gets.
    public enum WhenMissing: String, Sendable {
        /// Fully decayed: the score becomes 0, as if infinitely old (the default).
        case decayed
        /// No decay: the value `compute` returned is kept.
        case kept
    }

    public var halfLifeDays: Double
    /// A profile field in days, e.g. `days_since_last_interaction`.
    public var field: String
    public var whenMissing: WhenMissing = .decayed

    /// Multiplies `value` by 0.5^(age / half-life); nil `age` follows `whenMissing`.
    public func apply(to value: Double, age: Double?) -> Double {
        guard let age else { return whenMissing == .decayed ? 0 : value }
        return value * pow(0.5, age / halfLifeDays)
    }

    /// One line for `plugin check` and `plugin info`.
    public var summary: String {
        "× 0.5^(\(field) / \(String(format: "%g", halfLifeDays))); when \(field) is nil: "
            + (whenMissing == .decayed ? "fully decayed (0)" : "not decayed")
    }
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
    /// Decimal places the value is rounded to before it is stored (nil: as computed).
    public let decimals: Int?
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
    /// `explain(c, p, segment)`: the reason, asked only when a reason is shown (`SegmentReasons`,
    /// never in a run) and only when `classify` gave none.
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
    /// What the plugin's rules read beyond the core profile (`standard` without a `profile` section).
    public internal(set) var profile: ProfileDeclaration = .standard
}
