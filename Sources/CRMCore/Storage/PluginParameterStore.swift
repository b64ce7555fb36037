import GRDB

extension CRMDatabase {
    /// Parameter overrides of one plugin in this database: key → text as set.
    public func pluginParameters(plugin: String) throws -> [String: String] {
        try read { db in
            var values: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key, value FROM plugin_params WHERE plugin = ?", arguments: [plugin]) {
                values[row[0]] = row[1]
            }
            return values
        }
    }

    /// Stores an override (already checked against the plugin's declared type).
    func setPluginParameter(plugin: String, key: String, value: String) throws {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO plugin_params(plugin, key, value) VALUES (?, ?, ?)
                    ON CONFLICT(plugin, key) DO UPDATE SET value = excluded.value
                    """,
                arguments: [plugin, key, value])
        }
    }

    /// Removes an override, so the plugin's default applies again.
    func resetPluginParameter(plugin: String, key: String) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM plugin_params WHERE plugin = ? AND key = ?", arguments: [plugin, key])
        }
    }
}
