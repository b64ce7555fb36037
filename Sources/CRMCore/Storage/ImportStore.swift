import GRDB

/// The queries an import needs besides the bulk writes.
enum ImportStore {
    /// Secondary indexes that a load into an empty table builds once at the end instead of
    /// updating row by row (2-5x faster on this machine: see docs/decisions.md).
    static let secondaryIndexes: [String: (name: String, sql: String)] = [
        "orders": ("orders_by_customer", "CREATE INDEX orders_by_customer ON orders(customer_pk, ordered_at)"),
        "interactions": ("interactions_by_customer", "CREATE INDEX interactions_by_customer ON interactions(customer_pk, occurred_at)"),
    ]

    /// Runs `body`; when `table` is empty, without its secondary index, rebuilt afterwards in the
    /// same transaction (so a crash leaves the index as it was).
    static func deferringIndex<T>(_ db: Database, table: String, _ body: () throws -> T) throws -> T {
        guard let index = secondaryIndexes[table], try count(db, table: table) == 0 else { return try body() }
        try db.execute(sql: "DROP INDEX IF EXISTS \(index.name)")
        let result = try body()
        try db.execute(sql: index.sql)
        return result
    }

    static func count(_ db: Database, table: String) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM main.\(table)") ?? 0
    }

    /// Every customer id with its row key, for resolving `customer_id` columns.
    static func customerKeys(_ db: Database) throws -> [String: Int64] {
        var keys: [String: Int64] = [:]
        keys.reserveCapacity(try count(db, table: "customers"))
        let cursor = try Row.fetchCursor(db, sql: "SELECT id, pk FROM customers")
        while let row = try cursor.next() {
            keys[row[0]] = row[1]
        }
        return keys
    }
}
