import GRDB

/// Reads and writes custom field values (`customer_fields`), stored as JSON text.
enum FieldStore {
    /// Sets (or, with nil, removes) one customer's value; returns false for an unknown customer.
    @discardableResult
    static func set(_ db: Database, customerID: String, field: String, json: String?, runID: Int64?) throws -> Bool {
        guard let pk = try RowKeys.pk(db, id: customerID) else {
            return false
        }
        try set(db, customerPK: pk, field: field, json: json, runID: runID)
        return true
    }

    static func set(_ db: Database, customerPK: Int64, field: String, json: String?, runID: Int64?) throws {
        if let json {
            try db.cachedStatement(
                sql: """
                    INSERT INTO customer_fields(customer_pk, field, value, run_id) VALUES (?, ?, ?, ?)
                    ON CONFLICT(field, customer_pk) DO UPDATE SET value = excluded.value, run_id = excluded.run_id
                    """
            ).execute(arguments: [customerPK, field, json, runID])
        } else {
            try db.cachedStatement(sql: "DELETE FROM customer_fields WHERE customer_pk = ? AND field = ?")
                .execute(arguments: [customerPK, field])
        }
    }

    /// One customer's rows (bound as the one argument): one seek per stored field, since the
    /// values are keyed by field, then customer.
    static func ofCustomer() -> String {
        "field IN (SELECT DISTINCT field FROM customer_fields) AND customer_pk = ?"
    }

    /// Calls `body` with every stored value of `fields` (by its index in `fields`), field by
    /// field, each in customer-key order: one range of the table's key per field.
    static func forEachValue(
        _ db: Database, fields: [String], changedAfter: Int64? = nil,
        _ body: (_ customerPK: Int64, _ field: Int, _ json: String) throws -> Void
    ) throws {
        // Only the customers a kept profile must catch up with (`KeptProfileStore`), or all.
        let changed = changedAfter.map { _ in "AND customer_pk IN (\(KeptProfileStore.customersChangedAfter("?")))" } ?? ""
        let statement = try RawStatement(
            db, sql: "SELECT customer_pk, value FROM customer_fields WHERE field = ? \(changed) ORDER BY customer_pk")
        for (index, field) in fields.enumerated() {
            statement.reset()
            statement.bind(1, field)
            if let changedAfter { statement.bind(2, changedAfter) }
            while try statement.step() {
                try body(statement.int64(0), index, statement.text(1) ?? "")
            }
        }
    }

    /// Stores `jsons` (one per customer of `pks`, in key order; nil removes the value) as the
    /// values of `field`, writing only those that differ from what is stored, 100 per statement.
    /// Returns how many changed.
    static func replace(
        _ db: Database, field: String, pks: [Int64], with jsons: some Collection<String?>, runID: Int64
    ) throws -> Int {
        let jsons = Array(jsons)
        let stored: [String?] = try RowChanges.stored(pks: pks, absent: nil) { found in
            try forEachValue(db, fields: [field]) { pk, _, json in found(pk, json) }
        }
        let upserts = BatchedInsert(
            db, prefix: "INSERT INTO customer_fields(customer_pk, field, value, run_id) VALUES", width: 4,
            suffix: "ON CONFLICT(field, customer_pk) DO UPDATE SET value = excluded.value, run_id = excluded.run_id")
        let delete = try RawStatement(db, sql: "DELETE FROM customer_fields WHERE customer_pk = ? AND field = ?")
        let changed = RowChanges.rows(new: jsons, stored: stored)
        for row in changed {
            if let json = jsons[row] {
                upserts.add(pks[row])
                upserts.add(field)
                upserts.add(json)
                upserts.add(runID)
                try upserts.endRow()
            } else {
                delete.bind(1, pks[row])
                delete.bind(2, field)
                try delete.execute()
            }
        }
        try upserts.flush()
        return changed.count
    }

    /// Every stored value of `fields`, by field then customer key.
    static func values(_ db: Database, fields: [String]) throws -> [String: [Int64: String]] {
        var result: [String: [Int64: String]] = [:]
        for field in fields {
            var values: [Int64: String] = [:]
            let cursor = try Row.fetchCursor(
                db, sql: "SELECT customer_pk, value FROM customer_fields WHERE field = ?", arguments: [field])
            while let row = try cursor.next() { values[row[0]] = row[1] }
            result[field] = values
        }
        return result
    }
}

extension CRMDatabase {
    /// One customer's stored field values: field → JSON text. Nil for an unknown customer.
    public func fieldValues(customerID: String) throws -> [String: String]? {
        try read { db in
            guard let pk = try RowKeys.pk(db, id: customerID) else {
                return nil
            }
            var values: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT field, value FROM customer_fields WHERE \(FieldStore.ofCustomer())", arguments: [pk]) {
                values[row[0]] = row[1]
            }
            return values
        }
    }

    /// Whether any customer has a stored custom field value.
    public func hasFieldValues() throws -> Bool {
        try read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM customer_fields)") ?? false }
    }

    /// How many customers have a stored value, per field name (including fields no plugin declares now).
    public func fieldCounts() throws -> [String: Int] {
        try read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT field, count(*) FROM customer_fields GROUP BY field") {
                counts[row[0]] = row[1]
            }
            return counts
        }
    }

    /// Every stored value of one field: customer id and JSON text, in customer-id order.
    public func storedValues(field: String) throws -> [(customerID: String, json: String)] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT c.id, f.value FROM customer_fields f JOIN customers c ON c.pk = f.customer_pk WHERE f.field = ?",
                arguments: [field]
            ).map { (customerID: $0[0], json: $0[1]) }
        }.sorted { CustomerIDOrder.precedes($0.customerID, $1.customerID) }
    }

    /// Sets one customer's value of a field (nil removes it). Throws for an unknown customer.
    func setFieldValue(customerID: String, field: String, json: String?) throws {
        try write { db in
            guard try FieldStore.set(db, customerID: customerID, field: field, json: json, runID: nil) else {
                throw try CustomerQueries.unknownCustomer(db, customerID)
            }
        }
    }
}
