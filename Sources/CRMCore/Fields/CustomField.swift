import LuaBridge

/// A field declaration together with the plugin that declared it, so its Lua `pattern`,
/// `validate` and `compute` run in that plugin's sandbox.
public struct CustomField {
    public let plugin: LoadedPlugin
    public let definition: FieldDefinition

    public var name: String { definition.name }

    /// Runs the Lua checks: `string.find(value, pattern)` and `validate(value)`.
    static let checkerSource = """
        return function(value, pattern, validate)
          if pattern and not string.find(value, pattern) then
            return "does not match the pattern " .. pattern
          end
          if validate then
            local ok, message = validate(value)
            if not ok then return message or "is refused by the field's validate function" end
          end
          return nil
        end
        """

    /// Checks `text` (a CSV cell or a command-line value) fully; nil for an empty optional value.
    public func check(_ text: String) -> Result<FieldValue?, FieldProblem> {
        if text.isEmpty {
            return definition.required
                ? .failure(FieldProblem(reason: "is empty; '\(name)' is required")) : .success(nil)
        }
        switch definition.parse(text) {
        case .failure(let problem):
            return .failure(problem)
        case .success(let value):
            if let problem = luaCheck(value) { return .failure(FieldProblem(reason: "\(ValueError.quoted(text)) \(problem)")) }
            return .success(value)
        }
    }

    /// Checks a value a `compute` function produced against the field's pattern and `validate`
    /// function; the type and the other constraints were checked when its text was parsed.
    func check(computed value: FieldValue) -> FieldProblem? {
        luaCheck(value).map { FieldProblem(reason: "\(ValueError.quoted(value.description)) \($0)") }
    }

    private func luaCheck(_ value: FieldValue) -> String? {
        guard definition.pattern != nil || definition.validate != nil else { return nil }
        do {
            let state = plugin.state
            let checker = try plugin.fieldChecker()
            let argument = value.profileValue.luaValue
            let result = try state.call(
                checker, [argument, definition.pattern.map(LuaValue.string) ?? .nil, definition.validate.map(LuaValue.function) ?? .nil])
            return result.first?.stringValue
        } catch {
            return "could not be checked: \(error)"
        }
    }
}
