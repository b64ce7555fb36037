import Foundation
import GRDB

/// Tells a crm database from any other SQLite file before anything is changed, and refuses one
/// written by a newer crm; serialises migrations between processes.
enum DatabaseIdentity {
    /// `PRAGMA application_id` of a crm database ("CRM1").
    static let applicationID: Int32 = 0x4352_4D31
    /// The first migration: a database that has it was made by crm (before the application id).
    static let firstMigration = "v1: customers, orders, interactions, runs"

    /// Checks the file at `path` without changing it: a database crm did not create is refused
    /// (unless `adopt`, for `crm init`, and it carries no other application's id), and so is one
    /// with migrations this crm does not know. A file with no tables is fine.
    static func check(path: String, adopt: Bool, busyMode: Database.BusyMode) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        var configuration = Configuration()
        configuration.readonly = true
        // Another process closing its last connection checkpoints the log meanwhile: wait for it.
        configuration.busyMode = busyMode
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        try queue.read { db in
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            guard !tables.isEmpty else { return }
            let id = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
            let applied = tables.contains("grdb_migrations")
                ? Set(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")) : []
            let isCRM = id == applicationID || (id == 0 && applied.contains(firstMigration))
            if !isCRM && !(adopt && id == 0) {
                let shown = tables.sorted().prefix(5).joined(separator: ", ") + (tables.count > 5 ? ", …" : "")
                throw CRMError.database(
                    path: path,
                    message: "not a crm database (it holds \(shown)\(id != 0 ? "; application id \(id)" : "")); "
                        + "crm leaves it unchanged: pass --db with a crm database, or `crm init --db NEW.sqlite` for a new one")
            }
            let unknown = applied.subtracting(Schema.migrator.migrations).sorted()
            if let first = unknown.first {
                let writer = tables.contains("settings")
                    ? try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = 'schema_written_by'") : nil
                throw CRMError.database(
                    path: path,
                    message: "written by a newer crm\(writer.map { " (\($0))" } ?? "") whose schema this crm \(CRMVersion.current) "
                        + "does not know (\(first)\(unknown.count > 1 ? " and \(unknown.count - 1) more" : "")); use that crm or a newer one")
            }
        }
    }

    /// Checks, opens and migrates the database at `path`, one process at a time: an exclusive
    /// `flock` (held for milliseconds) makes a second opener wait and then find the work done,
    /// instead of both switching it to WAL or applying the same migration. The lock is on a file
    /// beside the database (`PATH-lock`), never on the database file itself: closing a descriptor
    /// of the database file would drop the POSIX locks SQLite's connections in this process hold
    /// on it, and another process could then checkpoint or delete the log under them.
    static func open(path: String, adopt: Bool, configuration: Configuration) throws -> DatabasePool {
        let descriptor = Foundation.open(path + "-lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw CRMError.file(path: path, message: "cannot open the database: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw CRMError.file(path: path, message: "cannot lock the database to open it") }
        }
        defer { flock(descriptor, LOCK_UN) }
        try check(path: path, adopt: adopt, busyMode: configuration.busyMode)
        let pool = try DatabasePool(path: path, configuration: configuration)
        let migrator = Schema.migrator
        if try pool.read({ db in try migrator.hasCompletedMigrations(db) }) { return pool }
        try migrator.migrate(pool)
        try pool.write { db in
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            try db.execute(
                sql: "INSERT INTO settings(key, value) VALUES ('schema_written_by', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                arguments: ["crm \(CRMVersion.current)"])
        }
        return pool
    }
}
