import GRDB

/// The queries an import needs besides the bulk writes.
enum ImportStore {
    /// Secondary indexes that a load into an empty table builds once at the end instead of
    /// updating row by row (2-5x faster on this machine: see docs/decisions.md).
    static let secondaryIndexes: [String: (name: String, sql: String)] = [
        "orders": ("orders_by_customer", "CREATE INDEX orders_by_customer ON orders(customer_pk, ordered_at)"),
        "interactions": ("interactions_by_customer", "CREATE INDEX interactions_by_customer ON interactions(customer_pk, occurred_at)"),
    ]

    /// Runs `body` and rebuilds the activity digests of the customers it touched: those in
    /// `touched()` and those whose order or interaction moved to another customer (a temporary
    /// trigger notes them). Beyond half of all customers, every digest is rebuilt in one scan.
    static func keepingActivityCurrent<T>(
        _ db: Database, kind: RecordKind, touched: () -> Set<Int64>, _ body: () throws -> T
    ) throws -> T {
        guard let column = ActivityStore.Column(rawValue: kind.rawValue) else { return try body() }
        try db.execute(sql: """
            CREATE TEMP TABLE IF NOT EXISTS crm_moved(customer_pk INTEGER);
            DELETE FROM temp.crm_moved;
            CREATE TEMP TRIGGER IF NOT EXISTS crm_moved_\(kind.table) AFTER UPDATE OF customer_pk ON main.\(kind.table)
            WHEN OLD.customer_pk <> NEW.customer_pk
            BEGIN INSERT INTO crm_moved VALUES (OLD.customer_pk); END;
            """)
        let result = try body()
        var customers = touched()
        customers.formUnion(try Int64.fetchAll(db, sql: "SELECT customer_pk FROM temp.crm_moved"))
        try db.execute(sql: "DROP TRIGGER IF EXISTS temp.crm_moved_\(kind.table); DELETE FROM temp.crm_moved;")
        let total = try count(db, table: "customers")
        try ActivityStore.rebuild(db, column, customers: customers.count * 2 > total ? nil : customers)
        return result
    }

    /// A CSV record of orders or interactions is 40–120 bytes here; counting 128 bytes per
    /// record underestimates how many rows a file adds.
    static let bytesPerRecordAtMost = 128

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
