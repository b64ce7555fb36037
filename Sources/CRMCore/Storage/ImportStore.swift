import GRDB

/// The queries an import needs besides the bulk writes.
enum ImportStore {
    /// Secondary indexes that a load into an empty table builds once at the end instead of
    /// updating row by row (2-5x faster on this machine: see docs/decisions.md). A customer's
    /// rows, not in time order: a query wanting them by time sorts that customer's few rows, and
    /// the index is 8 bytes a row smaller (migration `issue13-slim-indexes`).
    static let secondaryIndexes: [String: (name: String, sql: String)] = [
        "orders": ("orders_by_customer", "CREATE INDEX orders_by_customer ON orders(customer_pk)"),
        "interactions": ("interactions_by_customer", "CREATE INDEX interactions_by_customer ON interactions(customer_pk)"),
    ]

    /// Runs `body` with what keeps the activity digests current (nil for customers), then
    /// brings the digests of the customers it touched up to date from the rows `body` wrote
    /// (`ActivityDelta`), in the same transaction.
    static func keepingActivityCurrent<T>(
        _ db: Database, kind: RecordKind, entriesInMemory: Int, _ body: (ActivityChanges?) throws -> T
    ) throws -> T {
        let changes: ActivityChanges?
        switch kind {
        case .customers: changes = nil
        case .orders: changes = try ActivityDelta(db, .orders, entriesPerFlush: entriesInMemory)
        case .interactions: changes = try ActivityDelta(db, .interactions, entriesPerFlush: entriesInMemory)
        }
        let result = try body(changes)
        try changes?.finish()
        return result
    }

    /// A CSV record of orders or interactions is 40–120 bytes here; counting 128 bytes per
    /// record underestimates how many rows a file adds.
    static let bytesPerRecordAtMost = 128

    /// The page cache an import's writer uses: 64 MiB instead of SQLite's 2 MB, so a file in time
    /// order (every customer's rows scattered over the table) does not spill pages to the
    /// operating system for every row (docs/decisions.md).
    static let importCacheKiB = 65_536

    /// Runs `body` with the connection's page cache at `importCacheKiB`, then restores it.
    static func withImportCache<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        let previous = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
        try db.execute(sql: "PRAGMA cache_size = \(-importCacheKiB)")
        defer { try? db.execute(sql: "PRAGMA cache_size = \(previous)") }
        return try body()
    }

    /// Runs `body`; when the import is large for `table` (the file's `incomingBytes` hold at least
    /// as many records, at `bytesPerRecordAtMost`, as the table has rows: an empty table always),
    /// without its secondary index, rebuilt afterwards in the same transaction (so a crash leaves
    /// the index as it was). Building an index once over sorted keys is 2–5x cheaper than
    /// updating it row by row in random order (see docs/decisions.md).
    static func deferringIndex<T>(_ db: Database, table: String, incomingBytes: Int, _ body: () throws -> T) throws -> T {
        guard let index = secondaryIndexes[table], try count(db, table: table) * bytesPerRecordAtMost <= incomingBytes else {
            return try body()
        }
        try db.execute(sql: "DROP INDEX IF EXISTS \(index.name)")
        let result = try body()
        try db.execute(sql: index.sql)
        return result
    }

    static func count(_ db: Database, table: String) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM main.\(table)") ?? 0
    }

    /// Calls `body` with every customer's row key and, for a customer whose id is not a number,
    /// the id's text (as bytes, valid during the call; nil when the key is the id: `RowKeys`).
    static func forEachCustomerKey(_ db: Database, _ body: (Int64, UnsafeBufferPointer<UInt8>?) -> Void) throws {
        let statement = try RawStatement(db, sql: "SELECT pk, text_id IS NOT NULL, text_id FROM customers")
        while try statement.step() { body(statement.int64(0), statement.int64(1) != 0 ? statement.textBytes(2) : nil) }
    }

}
