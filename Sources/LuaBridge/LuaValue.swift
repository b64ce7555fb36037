/// A Lua value copied into Swift, or a Swift value to hand to Lua.
///
/// Integers and floats stay distinct (`3` vs `3.0`), strings are UTF-8 and may contain NUL
/// bytes, tables are copied with raw access (a table with a metatable is refused), and
/// functions stay in the state as a ``LuaFunctionRef``.
public enum LuaValue: Hashable {
    case `nil`
    case boolean(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case table([LuaValue: LuaValue])
    case function(LuaFunctionRef)

    /// The value under a string key when this is a table, otherwise `nil`.
    public subscript(key: String) -> LuaValue? {
        guard case .table(let fields) = self else { return nil }
        return fields[.string(key)]
    }

    /// The string, when this is one.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The integer, when this is one (floats are not converted).
    public var integerValue: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// The number as a `Double`, for integers and floats.
    public var doubleValue: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .number(let value): value
        default: nil
        }
    }

    /// The function reference, when this is one.
    public var functionValue: LuaFunctionRef? {
        if case .function(let function) = self { return function }
        return nil
    }

    /// The values at keys 1, 2, 3, ... up to the first missing one, when this is a table.
    public var arrayValues: [LuaValue]? {
        guard case .table(let fields) = self else { return nil }
        var values: [LuaValue] = []
        while let value = fields[.integer(Int64(values.count + 1))] { values.append(value) }
        return values
    }
}

extension LuaValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
    public init(nilLiteral: ()) { self = .nil }
}
