import LuaBridge

/// `crm customer list --where EXPR`: a Lua expression over the customer profile (static
/// attributes, custom fields, everything `classify` sees), evaluated in its own sandbox.
///
/// Field names are plain identifiers (`industry`, `vip_level`, `order_count`); `=` may be
/// written for `==`; `and`, `or`, `not`, comparisons, arithmetic, `string` and `math` work as
/// in Lua, except that ordering a missing value (`<`, `>` … with nil) is false, as in SQL. An
/// unknown name is an error rather than a silent nil.
public struct CustomerFilter {
    let expression: String

    public init(expression: String) {
        self.expression = expression
    }

    /// Compiles the expression against the allowed names; returns `f(c)` that answers "1" or nil.
    static let compilerSource = """
        local string, math, tostring, tonumber, type = string, math, tostring, tonumber, type
        return function(source, names)
          local known = {}
          for _, name in ipairs(names) do known[name] = true end
          local library = { string = string, math = math, tostring = tostring, tonumber = tonumber, type = type }
          local current
          local env = setmetatable({}, { __index = function(_, key)
            if known[key] then return current[key] end
            if library[key] then return library[key] end
            error("unknown field '" .. tostring(key) .. "' (see plugins/crm.d.lua for the profile fields)", 0)
          end })
          local chunk, message = load("return (" .. source .. "\\n)", "=--where", "t", env)
          if not chunk then error(message, 0) end
          return function(c)
            current = c
            local ok, result = pcall(chunk)
            if not ok then
              -- As in SQL, ordering a missing value (nil) against anything is simply false.
              if type(result) == "string" and result:find("attempt to compare", 1, true)
                and result:find("nil", 1, true) then
                return nil
              end
              error(result, 0)
            end
            if result then return "1" end
            return nil
          end
        end
        """

    /// The expression as Lua: a lone `=` (not part of `==`, `~=`, `<=`, `>=`) becomes `==`.
    static func luaExpression(_ text: String) -> String {
        var output = ""
        var quote: Character?
        let characters = Array(text)
        for (index, character) in characters.enumerated() {
            if let open = quote {
                output.append(character)
                if character == open && (index == 0 || characters[index - 1] != "\\") { quote = nil }
                continue
            }
            if character == "\"" || character == "'" { quote = character }
            if character == "=" {
                let previous = index > 0 ? characters[index - 1] : " "
                let next = index + 1 < characters.count ? characters[index + 1] : " "
                if !"=~<>".contains(previous) && next != "=" {
                    output += "=="
                    continue
                }
            }
            output.append(character)
        }
        return output
    }

    /// Ids of the customers (as of `asOf`) for whom the expression is true, in customer-id order.
    public func matches(database: CRMDatabase, catalog: PluginCatalog, asOf: Timestamp) throws -> [String] {
        let profiles = try database.profiles(asOf: asOf, fields: catalog.fields)
        let state = try LuaState(name: "--where")
        let source = try ProfileFieldSource(registeringIn: state)
        let names = ProfileField.all(for: profiles).map(\.name)
        let inputs = PopulationInputs(
            tiles: [], shares: [],
            params: .table(["source": .string(Self.luaExpression(expression)), "names": .table(Self.list(names))]))
        var matched: [String] = []
        var luaTime = Duration.zero
        do {
            guard let compiler = try state.run(Self.compilerSource, chunkName: "=crm").first?.functionValue else {
                throw CRMError.internalInconsistency("cannot prepare --where")
            }
            try ProfileLoop(
                state: state, file: "--where", profiles: profiles, inputs: inputs, subject: "--where", functionName: "where",
                mentions: expression, source: source)
                .run(
                    function: compiler,
                    wrapperSource: "return function(compile, p) return compile(p.source, p.names) end",
                    luaTime: &luaTime
                ) { customer, answer, _ throws(SegmentationError) in
                    if answer != nil { matched.append(profiles.ids[customer]) }
                }
        } catch let error as SegmentationError {
            // A name or syntax problem is the expression's, not a customer's; a runtime error may be.
            let customer = error.message.hasPrefix("unknown field") ? nil : error.customerID
            throw CRMError.invalidArgument("--where \(expression): \(error.message)" + (customer.map { " (customer \($0))" } ?? ""))
        } catch let error as LuaError {
            throw CRMError.invalidArgument("--where \(expression): \(error.message)")
        }
        return matched.sorted(by: CustomerIDOrder.precedes)
    }

    private static func list(_ names: [String]) -> [LuaValue: LuaValue] {
        var table: [LuaValue: LuaValue] = [:]
        for (index, name) in names.enumerated() { table[.integer(Int64(index + 1))] = .string(name) }
        return table
    }
}
