import LuaBridge

/// One value of a customer's profile, as Lua will see it.
public enum ProfileValue: Equatable, Sendable, CustomStringConvertible {
    case missing
    case integer(Int64)
    case number(Double)
    case text(String)
    case boolean(Bool)

    public var description: String {
        switch self {
        case .missing: return "nil"
        case .integer(let value): return String(value)
        case .number(let value): return String(value)
        case .text(let value): return value
        case .boolean(let value): return value ? "true" : "false"
        }
    }

    /// The value as Lua sees it.
    var luaValue: LuaValue {
        switch self {
        case .missing: return .nil
        case .integer(let value): return .integer(value)
        case .number(let value): return .number(value)
        case .text(let value): return .string(value)
        case .boolean(let value): return .boolean(value)
        }
    }

    /// The value as a `Double` for ranking and statistics; nil when missing or text.
    var numeric: Double? {
        switch self {
        case .integer(let value): return Double(value)
        case .number(let value): return value
        case .missing, .text, .boolean: return nil
        }
    }
}
