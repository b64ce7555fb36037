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

    /// Loads the plugins, printing each one that failed (the others still load).
    func loadPlugins(quiet: Bool = false) -> PluginCatalog {
        let catalog = PluginCatalog.load(directories: pluginDirectories)
        if !quiet {
            for failure in catalog.failures {
                Progress.warn("warning: plugin not loaded: \(failure)")
            }
        }
        return catalog
    }

    /// The loaded plugin called `name`.
    func plugin(named name: String) throws -> LoadedPlugin {
        guard let plugin = loadPlugins(quiet: true).plugin(named: name) else {
            throw CRMError.notFound("no plugin named '\(name)' in \(pluginDirectories.joined(separator: ", "))")
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

/// Parses an `--as-of` value: ISO-8601 instant or date; now when absent.
func parseAsOf(_ text: String?) throws -> Timestamp {
    guard let text else { return Timestamp.now() }
    do throws(ValueError) {
        return try Timestamp.parse(text)
    } catch {
        throw ValidationError("--as-of \(error.description)")
    }
}
