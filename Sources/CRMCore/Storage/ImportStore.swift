import GRDB

/// The queries an import needs besides the bulk writes.
enum ImportStore {
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
