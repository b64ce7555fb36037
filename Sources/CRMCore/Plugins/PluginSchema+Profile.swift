import LuaBridge

extension PluginSchema {
    static let profileKeys = ["orders", "revenue", "interactions", "by_kind", "top_categories", "kinds"]

    /// The `profile` section: what the plugin's rules read beyond the core fields.
    ///
    /// ```lua
    /// profile = {
    ///   orders = { 60 },                -- c.orders_60d: purchases in the last 60 days
    ///   revenue = { 60 },               -- c.revenue_60d: revenue net of returns
    ///   interactions = { 30 },          -- c.interactions_30d: interactions of any kind
    ///   by_kind = { inquiry = { 14 } }, -- c.inquiry_14d
    ///   top_categories = 5,             -- c.top_categories lists up to 5
    ///   kinds = { "webinar" },          -- interaction kinds crm must accept at import
    /// }
    /// ```
    /// Without the section the plugin gets `ProfileDeclaration.standard`.
    mutating func profileDeclaration(_ value: LuaValue?) -> ProfileDeclaration {
        guard let value else { return .standard }
        let path = ["profile"]
        guard let section = table(value, at: path, expected: "expected a table such as { by_kind = { inquiry = { 14 } } }") else {
            return .standard
        }
        checkKeys(section, allowed: Self.profileKeys, at: path, what: "a profile")
        var declaration = ProfileDeclaration()
        declaration.interactionKinds = declaredKinds(section["kinds"], at: path + ["kinds"])
        declaration.orderWindows = windows(section["orders"], at: path + ["orders"])
        declaration.revenueWindows = windows(section["revenue"], at: path + ["revenue"])
        declaration.anyKindWindows = windows(section["interactions"], at: path + ["interactions"])
        if let value = section["by_kind"], let kinds = table(value, at: path + ["by_kind"], expected: "expected { kind = { days, ... } }") {
            let known = InteractionKind.builtIn + declaration.interactionKinds
            for (key, windows) in kinds {
                guard case .string(let kind) = key else {
                    report(path + ["by_kind"], "keys must be interaction kinds (strings), got \(Self.typeName(key))")
                    continue
                }
                guard known.contains(kind) else {
                    report(
                        path + ["by_kind", kind],
                        "'\(kind)' is not an interaction kind; declare it in profile.kinds or use a known one"
                            + NameSuggestion.hint(for: kind, among: known))
                    continue
                }
                declaration.kindWindows[kind] = self.windows(windows, at: path + ["by_kind", kind])
            }
        }
        if let value = section["top_categories"] {
            if case .integer(let count) = value, (1...20).contains(count) {
                declaration.topCategories = Int(count)
            } else {
                report(path + ["top_categories"], "expected a whole number of categories from 1 to 20, got \(Self.describe(value))")
            }
        }
        return declaration
    }

    /// A list of windows in days: whole numbers from 1 to 36,500, each once.
    private mutating func windows(_ value: LuaValue?, at path: [String]) -> [Int] {
        guard let value, let items = array(value, at: path) else { return [] }
        var days: [Int] = []
        for (index, item) in items.enumerated() {
            guard case .integer(let count) = item, (1...36_500).contains(count) else {
                report(path + ["[\(index + 1)]"], "a window is a whole number of days from 1 to 36500, got \(Self.describe(item))")
                continue
            }
            if days.contains(Int(count)) {
                report(path + ["[\(index + 1)]"], "the \(count)-day window is declared twice")
            } else {
                days.append(Int(count))
            }
        }
        return days
    }

    /// Extra interaction kinds: new names only, that no profile field would clash with.
    private mutating func declaredKinds(_ value: LuaValue?, at path: [String]) -> [String] {
        guard let names = stringList(value, at: path) else { return [] }
        var kinds: [String] = []
        for (index, name) in names.enumerated() {
            let at = path + ["[\(index + 1)]"]
            if InteractionKind.builtIn.contains(name) {
                report(at, "'\(name)' is a built-in interaction kind with its own meaning; use it without declaring it (built in: \(InteractionKind.builtIn.joined(separator: ", ")))")
            } else if ProfileDeclaration.reservedPrefixes.contains(name) {
                report(at, "'\(name)' cannot be an interaction kind: \(name)_<N>d is already a profile window")
            } else if !isIdentifier(name) {
                report(at, "an interaction kind is lower case letters, digits and _ (e.g. \"webinar\")")
            } else if kinds.contains(name) {
                report(at, "'\(name)' is declared twice")
            } else {
                kinds.append(name)
            }
        }
        return kinds
    }

    /// `0`, `1.5`, `"14"`, `a table`: the value as the author wrote it, for messages.
    static func describe(_ value: LuaValue) -> String {
        switch value {
        case .integer(let number): return String(number)
        case .number(let number): return String(number)
        case .string(let text): return "\"\(text)\""
        default: return typeName(value)
        }
    }
}
