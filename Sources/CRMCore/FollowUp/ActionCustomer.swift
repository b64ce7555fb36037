import LuaBridge

/// `c` as an action sees it, built for one firing: a fresh table holding only the profile
/// fields the plugin's source mentions; any other field, `c.segments` and `c.tags` are fetched
/// when the action reads them (`__index`, through the state's `ProfileFieldSource`), and
/// `pairs(c)` fetches every field first (`__pairs`), so what an action sees never depends on
/// the guess. Building every field of every firing was most of an action's Lua cost.
struct ActionCustomer {
    /// Every field the plugin sees.
    let fields: [ProfileField]
    /// The fields set in the table before the call.
    let eager: [ProfileField]
    /// The action's `run` and `when`, wrapped to install the lazy lookup on `c`.
    let run: LuaFunctionRef
    let condition: LuaFunctionRef?

    /// Names that are not profile fields: they are served by the source's extras.
    static let extraNames = ["segments", "tags"]

    init(plugin: LoadedPlugin, run: LuaFunctionRef, condition: LuaFunctionRef?, fields: [ProfileField]) throws(LuaError) {
        let fields = fields.filter { !Self.extraNames.contains($0.name) }
        self.fields = fields
        eager = fields.filter { plugin.source.contains($0.name) }
        let names = LuaValue.table(Dictionary(uniqueKeysWithValues: (fields.map(\.name) + Self.extraNames).enumerated().map {
            (LuaValue.integer(Int64($0.offset + 1)), LuaValue.string($0.element))
        }))
        let state = plugin.state
        guard let maker = try state.run(Self.wrapperSource, chunkName: "=crm").first?.functionValue else {
            throw LuaError(kind: .runtime, plugin: plugin.name, message: "cannot prepare the action's customer table")
        }
        func wrapped(_ function: LuaFunctionRef) throws(LuaError) -> LuaFunctionRef {
            guard let made = try state.call(maker, [.function(function), names]).first?.functionValue else {
                throw LuaError(kind: .runtime, plugin: plugin.name, message: "cannot prepare the action's customer table")
            }
            return made
        }
        self.run = try wrapped(run)
        self.condition = try condition.map { (function) throws(LuaError) in try wrapped(function) }
    }

    /// The table for the customer in `row` (the eager fields; the rest comes on demand).
    func table(_ profiles: ProfileTable, row: Int) -> LuaValue {
        .table(Self.values(of: eager, profiles, row: row))
    }

    /// Every field of the customer in `row`, for the rare call that returns `c` itself.
    func wholeTable(_ profiles: ProfileTable, row: Int) -> [LuaValue: LuaValue] {
        Self.values(of: fields, profiles, row: row)
    }

    private static func values(of fields: [ProfileField], _ profiles: ProfileTable, row: Int) -> [LuaValue: LuaValue] {
        var table: [LuaValue: LuaValue] = [:]
        table.reserveCapacity(fields.count + extraNames.count)
        for field in fields {
            let value = field.read(profiles, row).luaValue
            if value != .nil { table[.string(field.name)] = value }
        }
        return table
    }

    /// Calls `f(c, ...)` with the lazy lookup installed on `c`; a table read through it is
    /// kept in `c`, so `c.segments` is one table for the whole call.
    static let wrapperSource = """
        return function(f, names)
          local fetch = crm.profile_field
          local meta = {
            __index = function(c, key)
              local value = fetch(key)
              if type(value) == "table" then rawset(c, key, value) end
              return value
            end,
            __pairs = function(c)
              for _, name in ipairs(names) do
                if rawget(c, name) == nil then
                  local value = fetch(name)
                  if value ~= nil then rawset(c, name, value) end
                end
              end
              return next, c, nil
            end,
          }
          return function(c, ...)
            setmetatable(c, meta)
            return f(c, ...)
          end
        end
        """
}
