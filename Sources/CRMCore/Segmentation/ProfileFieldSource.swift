import LuaBridge

/// Serves profile fields that a plugin's hot loop did not set eagerly: the loop fills only the
/// fields the plugin's source mentions, and the record's `__index` asks this source for any
/// other (a field reached through a computed key, say), so results never depend on the guess.
///
/// One source is registered per Lua state, as `crm.profile_field(name)`; the loop points it at
/// the current table and customer while it runs.
final class ProfileFieldSource {
    private var fields: [String: ProfileField] = [:]
    /// Reads a field of a customer of the table served. A closure that captured the table once:
    /// binding a stored optional `ProfileTable` on every lookup copied the struct (a retain and
    /// a release of each of its dozens of columns), 16% of a `field compute` at L.
    private var read: ((ProfileField, Int) -> ProfileValue)?
    private var customFieldNames: [String] = []
    var customer = 0
    /// Values that are not profile fields, asked first: an action's `c.segments` and `c.tags`,
    /// built only when the action reads them.
    var extras: ((String) -> LuaValue?)?

    /// Registers the source in `state` (once per state).
    init(registeringIn state: LuaState) throws(LuaError) {
        try state.register(table: "crm", name: "profile_field") { [unowned self] arguments in
            guard let name = arguments.first?.stringValue, let read = self.read else { return [.nil] }
            if let extra = self.extras?(name) { return [extra] }
            guard let field = self.fields[name] else {
                // A window the plugin did not declare would read as nil and silently change a rule;
                // the wrapper raises this at the plugin's line.
                if ProfileShape.looksLikeWindow(name) && !self.customFieldNames.contains(name) {
                    return [
                        .nil,
                        .string(
                            "c.\(name) is not in this plugin's profile: declare the window in its profile section "
                                + "(e.g. profile = { by_kind = { inquiry = { 14 } } }; see docs/plugins.md)"),
                    ]
                }
                return [.nil]
            }
            return [read(field, self.customer).luaValue]
        }
    }

    /// Points the source at `table` for the duration of `body`.
    func serving<T, E: Error>(_ table: ProfileTable, fields: [ProfileField], _ body: () throws(E) -> T) throws(E) -> T {
        read = { field, customer in field.read(table, customer) }
        customFieldNames = table.customFieldNames
        self.fields = Dictionary(fields.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        defer {
            // Do not keep a million customers alive after the loop.
            read = nil
            customFieldNames = []
            self.fields = [:]
            self.extras = nil
        }
        return try body()
    }

    /// Installs `crm.profile_field` as the record's `__index` and calls `f(c)`.
    static let lazyWrapperSource = """
        return function(f)
          local fetch = crm.profile_field
          local meta = { __index = function(_, key)
            local value, problem = fetch(key)
            if problem then error(problem, 2) end
            return value
          end }
          local installed = false
          return function(c)
            if not installed then setmetatable(c, meta); installed = true end
            return f(c)
          end
        end
        """
}
