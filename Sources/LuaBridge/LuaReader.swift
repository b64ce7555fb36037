import CLua

/// Copies values from a Lua stack into Swift using only functions that never raise.
///
/// Tables are read with raw access; tables with metatables are refused (their `__index`,
/// `__len` or `__pairs` could loop or allocate), and depth and entry count are bounded.
/// Functions become registry references, created under `lua_pcall`.
struct LuaReader {
    /// Why a value could not be copied.
    struct Refusal: Error {
        var message: String
        var outOfMemory = false
    }

    static let maximumDepth = 32
    static let maximumEntries = 1_000_000

    let lua: OpaquePointer
    let state: LuaState
    private var entries = 0

    init(lua: OpaquePointer, state: LuaState) {
        self.lua = lua
        self.state = state
    }

    /// The values at stack indexes `first ..< first + count`.
    mutating func values(from first: Int32, count: Int32) throws(Refusal) -> [LuaValue] {
        var values: [LuaValue] = []
        values.reserveCapacity(Int(count))
        for index in first ..< first + count { values.append(try value(at: index, name: nil, depth: 0)) }
        return values
    }

    /// The string or nil at `index`; anything else is refused.
    func optionalString(at index: Int32, role: String) throws(Refusal) -> String? {
        if lua_type(lua, index) == LUA_TNIL { return nil }
        guard let text = string(at: index) else {
            throw Refusal(message: "\(role) must be a string or nil, got \(typeName(at: index))")
        }
        return text
    }

    func string(at index: Int32) -> String? {
        var length = 0
        guard let bytes = crm_tostring(lua, index, &length) else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: bytes, count: length), as: UTF8.self)
    }

    func typeName(at index: Int32) -> String { String(cString: lua_typename(lua, lua_type(lua, index))) }

    mutating func value(at index: Int32, name: String?, depth: Int) throws(Refusal) -> LuaValue {
        switch lua_type(lua, index) {
        case LUA_TNIL, LUA_TNONE: return .nil
        case LUA_TBOOLEAN: return .boolean(lua_toboolean(lua, index) != 0)
        case LUA_TNUMBER:
            if lua_isinteger(lua, index) != 0 { return .integer(lua_tointegerx(lua, index, nil)) }
            return .number(lua_tonumberx(lua, index, nil))
        case LUA_TSTRING: return .string(string(at: index) ?? "")
        case LUA_TTABLE: return try table(at: lua_absindex(lua, index), depth: depth)
        case LUA_TFUNCTION:
            var reference: Int32 = 0
            guard crm_ref(lua, index, &reference) == LUA_OK else {
                throw Refusal(message: "not enough memory to keep a function", outOfMemory: true)
            }
            return .function(LuaFunctionRef(state: state, reference: reference, name: name))
        default:
            throw Refusal(message: "cannot pass a \(typeName(at: index)) value to the host")
        }
    }

    private mutating func table(at index: Int32, depth: Int) throws(Refusal) -> LuaValue {
        guard depth < Self.maximumDepth else {
            throw Refusal(message: "table nested deeper than \(Self.maximumDepth) levels")
        }
        guard lua_checkstack(lua, 3) != 0 else {
            throw Refusal(message: "not enough memory to read a table", outOfMemory: true)
        }
        if lua_getmetatable(lua, index) != 0 {
            crm_pop(lua, 1)
            throw Refusal(message: "tables with metatables cannot be passed to the host")
        }
        // Counted first, so the dictionary is made at its size instead of growing (and
        // rehashing) 1, 2, 4, 8: an action's effects are small tables, read by the hundred thousand.
        var count = 0
        lua_pushnil(lua)
        while lua_next(lua, index) != 0 {
            count += 1
            // Past the limit the loop below refuses the table: stop counting (key and value off).
            if count > Self.maximumEntries {
                crm_pop(lua, 2)
                break
            }
            crm_pop(lua, 1)
        }
        var fields = [LuaValue: LuaValue](minimumCapacity: min(count, Self.maximumEntries))
        lua_pushnil(lua)
        while lua_next(lua, index) != 0 {
            entries += 1
            guard entries <= Self.maximumEntries else {
                crm_pop(lua, 2)
                throw Refusal(message: "tables hold more than \(Self.maximumEntries) entries")
            }
            do {
                let key = try value(at: -2, name: nil, depth: depth + 1)
                fields[key] = try value(at: -1, name: key.stringValue, depth: depth + 1)
            } catch {
                crm_pop(lua, 2)
                throw error
            }
            crm_pop(lua, 1)
        }
        return .table(fields)
    }
}
