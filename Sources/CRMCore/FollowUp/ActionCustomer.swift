import LuaBridge

/// `c` as an action sees it, built for one firing: a fresh table holding only the profile
/// fields the plugin's source mentions; any other field, `c.segments` and `c.tags` are fetched
/// when the action reads them (`__index`, through the state's `ProfileFieldSource`), and
/// `pairs(c)` fetches every field first (`__pairs`), so what an action sees never depends on
/// the guess. Building every field of every firing was most of an action's Lua cost.
///
/// The host fills two reused tables (`LuaRecord`): the mentioned fields and the event's; the
/// wrapper copies each into a fresh table and calls the action with `p`, which it holds, so
/// no Swift dictionary is built or staged per firing.
struct ActionCustomer {
    /// Every field the plugin sees.
    let fields: [ProfileField]
    /// How to read the fields set in the table before the call, in `record`'s order.
    let eager: [ProfileField.Reader]
    /// The action's `run` and `when`, wrapped: called with (`record`, `event`).
    let run: LuaFunctionRef
    let condition: LuaFunctionRef?
    /// The customer's mentioned fields, copied into `c` by the wrapper.
    let record: LuaRecord
    /// The event's fields, copied into `event` by the wrapper.
    let event: LuaRecord

    /// Names that are not profile fields: they are served by the source's extras.
    static let extraNames = ["segments", "tags"]
    /// The fields of `event`, in `event`'s order.
    static let eventFields = ["kind", "segmentation", "as_of", "from", "to", "segment", "days"]

    init(plugin: LoadedPlugin, run: LuaFunctionRef, condition: LuaFunctionRef?, fields: [ProfileField], params: LuaValue) throws(LuaError) {
        let fields = fields.filter { !Self.extraNames.contains($0.name) }
        self.fields = fields
        let eager = fields.filter { plugin.source.contains($0.name) }
        self.eager = eager.map(\.read)
        let names = LuaValue.table(Dictionary(uniqueKeysWithValues: (fields.map(\.name) + Self.extraNames).enumerated().map {
            (LuaValue.integer(Int64($0.offset + 1)), LuaValue.string($0.element))
        }))
        let state = plugin.state
        guard let maker = try state.run(Self.wrapperSource, chunkName: "=crm").first?.functionValue else {
            throw LuaError(kind: .runtime, plugin: plugin.name, message: "cannot prepare the action's customer table")
        }
        func wrapped(_ function: LuaFunctionRef) throws(LuaError) -> LuaFunctionRef {
            guard let made = try state.call(maker, [.function(function), names, params]).first?.functionValue else {
                throw LuaError(kind: .runtime, plugin: plugin.name, message: "cannot prepare the action's customer table")
            }
            return made
        }
        self.run = try wrapped(run)
        self.condition = try condition.map { (function) throws(LuaError) in try wrapped(function) }
        record = try state.makeRecord(fields: eager.map(\.name))
        event = try state.makeRecord(fields: Self.eventFields)
    }

    /// Fills `record` with the customer in `row` (the eager fields; the rest comes on demand).
    func fill(_ profiles: ProfileTable, row: Int) {
        record.set(eager, of: profiles, row: row)
    }

    /// Every field of the customer in `row`, for the rare call that returns `c` itself.
    func wholeTable(_ profiles: ProfileTable, row: Int) -> [LuaValue: LuaValue] {
        var table: [LuaValue: LuaValue] = [:]
        table.reserveCapacity(fields.count + Self.extraNames.count)
        for field in fields {
            let value = field.read(profiles, row).luaValue
            if value != .nil { table[.string(field.name)] = value }
        }
        return table
    }

    /// Makes `f(c, p, event)` callable as `(record, event)`: `c` and `event` are fresh copies
    /// of the reused tables, and `c` gets the lazy lookup; a table read through it is kept in
    /// `c`, so `c.segments` is one table for the whole call.
    static let wrapperSource = """
        return function(f, names, p)
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
          return function(record, fields)
            local c, event = {}, {}
            for key, value in next, record do c[key] = value end
            for key, value in next, fields do event[key] = value end
            setmetatable(c, meta)
            return f(c, p, event)
          end
        end
        """
}
