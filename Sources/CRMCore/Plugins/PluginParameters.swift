import LuaBridge

/// A plugin's parameters as a run sees them: the defaults in its file, overridden per database
/// with `crm plugin set NAME KEY VALUE`.
public struct PluginParameters {
    public struct Entry: Equatable, Sendable {
        public let key: String
        public let value: ParameterValue
        public let defaultValue: ParameterValue
        public var isOverridden: Bool { value != defaultValue }

        public init(key: String, value: ParameterValue, defaultValue: ParameterValue) {
            self.key = key
            self.value = value
            self.defaultValue = defaultValue
        }
    }

    public let entries: [Entry]

    /// The effective parameters of `plugin` in `database`. An override that no longer matches
    /// the declared type (the plugin changed) is an error naming it, never silently ignored.
    public static func resolve(_ plugin: LoadedPlugin, in database: CRMDatabase) throws -> PluginParameters {
        let overrides = try database.pluginParameters(plugin: plugin.name)
        var entries: [Entry] = []
        for (key, defaultValue) in plugin.definition.params {
            var value = defaultValue
            if let text = overrides[key] {
                guard let parsed = defaultValue.parsingSameType(text) else {
                    throw CRMError.invalidArgument(
                        "\(plugin.file): parameter '\(key)' is set to \"\(text)\" in this database, which is not \(defaultValue.typeNameWithArticle); "
                            + "fix it with `crm plugin set \(plugin.name) \(key) VALUE` or `crm plugin reset \(plugin.name) \(key)`")
                }
                value = parsed
            }
            entries.append(Entry(key: key, value: value, defaultValue: defaultValue))
        }
        return PluginParameters(entries: entries)
    }

    /// Checks `text` against the declared type and stores it.
    public static func set(_ plugin: LoadedPlugin, key: String, text: String, in database: CRMDatabase) throws {
        guard let declared = plugin.definition.params.first(where: { $0.key == key }) else {
            let known = plugin.definition.params.map(\.key)
            throw CRMError.invalidArgument(
                "plugin '\(plugin.name)' has no parameter '\(key)'"
                    + (known.isEmpty ? " (it declares none)" : " (it has: \(known.joined(separator: ", ")))"))
        }
        guard declared.value.parsingSameType(text) != nil else {
            throw CRMError.invalidArgument(
                "\"\(text)\" is not \(declared.value.typeNameWithArticle): '\(key)' of plugin '\(plugin.name)' is \(declared.value.typeNameWithArticle) (default \(declared.value))")
        }
        try JobDefinition.checkScheduleParameter(plugin, key: key, text: text)
        try database.setPluginParameter(plugin: plugin.name, key: key, value: text)
    }

    /// Removes the override of `key`.
    public static func reset(_ plugin: LoadedPlugin, key: String, in database: CRMDatabase) throws {
        guard plugin.definition.params.contains(where: { $0.key == key }) else {
            throw CRMError.invalidArgument("plugin '\(plugin.name)' has no parameter '\(key)'")
        }
        try database.resetPluginParameter(plugin: plugin.name, key: key)
    }

    /// The parameters as the Lua table `p` starts.
    var luaFields: [LuaValue: LuaValue] {
        var fields: [LuaValue: LuaValue] = [:]
        for entry in entries { fields[.string(entry.key)] = entry.value.luaValue }
        return fields
    }
}
