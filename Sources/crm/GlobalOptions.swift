import ArgumentParser
import CRMCore
import Foundation

/// Options every command that opens the database shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The database file (default: $CRM_DB, else ./crm.sqlite).", valueName: "path"))
    var db: String?

    var databasePath: String {
        if let db { return db }
        if let env = ProcessInfo.processInfo.environment["CRM_DB"], !env.isEmpty { return env }
        return "crm.sqlite"
    }

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A folder of plugins; repeat for several (default: $CRM_PLUGINS, colon-separated, else ./plugins).",
            valueName: "dir"))
    var plugins: [String] = []

    var pluginDirectories: [String] {
        if !plugins.isEmpty { return plugins }
        if let env = ProcessInfo.processInfo.environment["CRM_PLUGINS"], !env.isEmpty {
            return env.split(separator: ":").map(String.init)
        }
        return ["plugins"]
    }

    /// Whether the folders were named (by --plugins or $CRM_PLUGINS) rather than the default.
    private var pluginFoldersNamed: Bool {
        !plugins.isEmpty || !(ProcessInfo.processInfo.environment["CRM_PLUGINS"] ?? "").isEmpty
    }

    /// Loads the plugins and warns on stderr about each one that failed (the others still load).
    /// A named folder that does not exist is an error, and so is a missing default `./plugins`
    /// when `required`; without it, a missing `./plugins` means no plugins. A name defined by two
    /// files is an error unless `allowConflicts` (for `plugin list`, which shows them).
    func loadPlugins(required: Bool = true, warn: Bool = true, allowConflicts: Bool = false) throws -> PluginCatalog {
        let catalog = PluginCatalog.load(directories: pluginDirectories)
        if let missing = catalog.unreadableDirectories.first, pluginFoldersNamed || required {
            let source = !plugins.isEmpty ? "--plugins" : pluginFoldersNamed ? "$CRM_PLUGINS" : "the default plugin folder"
            throw CRMError.notFound(
                "\(missing): no such plugin folder (\(source)); "
                    + (pluginFoldersNamed ? "check the path" : "run crm where ./plugins is, or pass --plugins DIR or set CRM_PLUGINS"))
        }
        if !catalog.conflicts.isEmpty, !allowConflicts {
            throw CRMError.invalidArgument(catalog.conflicts.map(\.description).joined(separator: "\n"))
        }
        if warn {
            for failure in catalog.failures {
                Progress.warn("warning: plugin not loaded: \(failure)")
            }
        }
        return catalog
    }

    /// The loaded plugin called `name`.
    func plugin(named name: String) throws -> LoadedPlugin {
        let catalog = try loadPlugins()
        guard let plugin = catalog.plugin(named: name) else {
            throw CRMError.notFound(
                "no plugin named '\(name)' in \(pluginDirectories.joined(separator: ", "))"
                    + NameSuggestion.hint(for: name, among: catalog.plugins.map(\.name)))
        }
        return plugin
    }

    /// Opens an existing database; a missing file is a mistake (a typo in --db), not a new database.
    func openDatabase() throws -> CRMDatabase {
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw CRMError.notFound("\(databasePath): no such database; create it with `crm init` (or pass --db PATH)")
        }
        return try CRMDatabase(path: databasePath)
    }
}

/// `--format table|csv|json` for listing commands.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
}

/// Checks a `--limit`: a count of at least 1 (0 would print nothing and look like "no data").
func checkLimit(_ limit: Int?) throws {
    if let limit, limit < 1 { throw ValidationError("--limit must be a whole number of at least 1, got \(limit)") }
}

/// Parses an `--as-of` value: ISO-8601 instant or date; now when absent.
func parseAsOf(_ text: String?) throws -> Timestamp {
    guard let text else { return Timestamp.now() }
    do throws(ValueError) {
        return try Timestamp.parse(text)
    } catch {
        throw ValidationError("--as-of \(error.description)")
    }
}
