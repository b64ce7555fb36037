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

extension LuaRecord {
    /// Sets fields 0, 1, … to the values `readers` give for one customer (`row`) of `profiles`.
    /// The bare functions, not `ProfileField` values: iterating those retained and released
    /// each one's name, summary and function for every field of every customer.
    func set(_ readers: [ProfileField.Reader], of profiles: ProfileTable, row: Int) {
        readers.withUnsafeBufferPointer { readers in
            for index in readers.indices { set(index, readers[index](profiles, row)) }
        }
    }

    /// Sets a field of a reused table to a profile value (nil when missing).
    func set(_ field: Int, _ value: ProfileValue) {
        switch value {
        case .missing: set(field, nil as String?)
        case .integer(let value): set(field, value)
        case .number(let value): set(field, value)
        case .text(let value): set(field, value)
        case .boolean(let value): set(field, value)
        }
    }
}
