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
