import Foundation
import GRDB

/// The crm database: one SQLite file in WAL mode, migrated to the current schema on open.
///
/// Every SQL statement of the product lives under `Storage/`; the rest of the core talks to
/// this type and its extensions.
public final class CRMDatabase: Sendable {
    /// The file the database lives in.
    public let path: String
    let pool: DatabasePool

    /// Opens (and creates or migrates when needed) the database at `path`. A SQLite file that
    /// crm did not create is refused unchanged unless `adopt` (for `crm init`), and so is a
    /// database written by a newer crm.
    ///
    /// - Parameter busyTimeout: how long a writer waits for another process before failing.
    public init(path: String, busyTimeout: TimeInterval = 10, adopt: Bool = false) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.foreignKeysEnabled = true
        configuration.label = "crm"
        configuration.prepareDatabase { db in
            // NORMAL in WAL mode keeps every committed transaction atomic across a crash of
            // the process; only a power loss can drop the last commits.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            pool = try DatabaseIdentity.open(path: path, adopt: adopt, configuration: configuration)
        } catch let error as DatabaseError {
            throw CRMError.database(path: path, message: error.message ?? "\(error)")
        }
    }

    /// Reads from a consistent snapshot of the database.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try translatingErrors { try pool.read(body) }
    }

    /// Runs `body` in one immediate write transaction: all of it is committed, or none.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        try write(skippingForeignKeysIf: nil, body)
    }

    /// `write`; with `checkingForeignKeys` false, SQLite does not look up the parent row of
    /// every row written. Only for writers that resolved every reference themselves inside the
    /// same transaction (an import's `CustomerDirectory`): there the check is one more random
    /// page read per row of a file in time order (docs/decisions.md).
    func write<T>(checkingForeignKeys: Bool, _ body: (Database) throws -> T) throws -> T {
        try write(skippingForeignKeysIf: checkingForeignKeys ? nil : { _ in true }, body)
    }

    /// `write` with SQLite's foreign-key check off when `skip` holds, asked inside the
    /// transaction before `body` runs (nobody else can commit until it ends); when it does not
    /// hold, the transaction is rolled back before anything is written and `body` runs with the
    /// check on. (`PRAGMA foreign_keys` can change only outside a transaction.)
    private func write<T>(skippingForeignKeysIf skip: ((Database) throws -> Bool)?, _ body: (Database) throws -> T) throws -> T {
        try translatingErrors {
            try pool.writeWithoutTransaction { db in
                var checking = skip == nil
                if !checking { try db.execute(sql: "PRAGMA foreign_keys = OFF") }
                defer { if skip != nil { try? db.execute(sql: "PRAGMA foreign_keys = ON") } }
                var result: T?
                var done = false
                while !done {
                    try db.inTransaction(.immediate) {
                        if !checking, let skip, try !skip(db) { return .rollback }
                        result = try body(db)
                        done = true
                        return .commit
                    }
                    if !done {
                        checking = true
                        try db.execute(sql: "PRAGMA foreign_keys = ON")
                    }
                }
                guard let result else { throw CRMError.internalInconsistency("transaction produced no result") }
                shrinkLogIfLarge(db)
                return result
            }
        }
    }

    /// Where the database stands for a later `write(trustingCustomersSince:)`: no other
    /// connection has committed since, and this one has deleted no customer (nor changed a
    /// key), as counted by a temporary trigger of the writer's connection.
    struct CustomerStamp: Sendable, Equatable {
        let dataVersion: Int64
        let customersGone: Int64
    }

    /// The stamp now; take it before reading what a write will refer to (the profiles).
    func customerStamp() throws -> CustomerStamp {
        try translatingErrors { try pool.writeWithoutTransaction { db in try Self.customerStamp(db) } }
    }

    private static func customerStamp(_ db: Database) throws -> CustomerStamp {
        try db.execute(sql: """
            CREATE TEMP TABLE IF NOT EXISTS crm_customers_gone (n INTEGER NOT NULL);
            INSERT INTO temp.crm_customers_gone SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM temp.crm_customers_gone);
            CREATE TEMP TRIGGER IF NOT EXISTS crm_customer_deleted AFTER DELETE ON main.customers
            BEGIN UPDATE crm_customers_gone SET n = n + 1; END;
            CREATE TEMP TRIGGER IF NOT EXISTS crm_customer_rekeyed AFTER UPDATE OF pk ON main.customers
            BEGIN UPDATE crm_customers_gone SET n = n + 1; END;
            """)
        return CustomerStamp(
            dataVersion: try Int64.fetchOne(db, sql: "PRAGMA data_version") ?? 0,
            customersGone: try Int64.fetchOne(db, sql: "SELECT n FROM temp.crm_customers_gone") ?? 0)
    }

    /// `write`, for rows that refer to the customers of profiles read after `stamp` was taken:
    /// when no customer can have gone since (nothing committed by another connection, no
    /// customer deleted through this one), SQLite does not look up the customer (or run) of
    /// every row written: a million memberships wrote in 0.55 s instead of 0.93 s at L
    /// (docs/decisions.md). Otherwise, or without a stamp, every reference is checked as usual.
    func write<T>(trustingCustomersSince stamp: CustomerStamp?, _ body: (Database) throws -> T) throws -> T {
        try write(skippingForeignKeysIf: stamp.map { stamp in { db in try Self.customerStamp(db) == stamp } }, body)
    }

    /// After a big transaction (an import, a million memberships) the WAL file holds every
    /// page written; until it is checkpointed and truncated, every later read looks pages up
    /// in it (measured: a profile build 2.4x slower after a first segmentation run at 1M).
    private func shrinkLogIfLarge(_ db: Database) {
        let size = ((try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? NSNumber)?.intValue ?? 0
        guard size > 64 << 20 else { return }
        // Another process reading keeps the log; it is tried again after the next write.
        _ = try? db.checkpoint(.truncate)
    }

    private func translatingErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
            throw CRMError.busy(path: path)
        } catch let error as DatabaseError {
            throw CRMError.database(path: path, message: error.message ?? "\(error)")
        }
    }

    /// The currency of every amount in this database (ISO 4217 code), set by `crm init`.
    public func currency() throws -> Currency {
        let code = try read { db in
            try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = 'currency'")
        }
        return try Currency(code: code ?? Currency.defaultCode)
    }

    /// The zone calendar days are counted in (`settings.business_timezone`); UTC when unset.
    public func businessTimeZone() throws -> BusinessTimeZone {
        let name = try read { db in
            try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = 'business_timezone'")
        }
        return try name.map { try BusinessTimeZone($0) } ?? .utc
    }

    /// Sets the zone calendar days are counted in from now on.
    public func setBusinessTimeZone(_ zone: BusinessTimeZone) throws {
        try write { db in
            try db.execute(
                sql: "INSERT INTO settings(key, value) VALUES ('business_timezone', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                arguments: [zone.identifier])
        }
    }

    /// Sets the currency; refused once orders exist, because stored minor units would change meaning.
    public func setCurrency(_ currency: Currency) throws {
        try write { db in
            let current = try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = 'currency'")
            if current == currency.code { return }
            let orders = try Int.fetchOne(db, sql: "SELECT count(*) FROM orders") ?? 0
            if orders > 0 {
                throw CRMError.invalidArgument(
                    "the database already holds \(orders) orders in \(current ?? Currency.defaultCode); its currency cannot change")
            }
            try db.execute(
                sql: "INSERT INTO settings(key, value) VALUES ('currency', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                arguments: [currency.code])
        }
    }
}

extension CRMDatabase {
    /// Records that `crm demo` created this database (and may replace it).
    func markAsDemo() throws {
        try write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO settings(key, value) VALUES ('created_by', ?)", arguments: [Demo.marker])
        }
    }

    func isDemo() throws -> Bool {
        try read { db in
            try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = 'created_by'") == Demo.marker
        }
    }
}
