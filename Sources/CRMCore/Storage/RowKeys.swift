import GRDB

/// How the user's ids of customers, orders and interactions map to row keys (issue 13).
///
/// An id that is a plain number (`17`: digits only, no leading zero, at most 18 digits) *is*
/// the row's integer primary key (`pk = 17`), with no text stored and no text index. Any other id
/// (`C-00017`, `007`) gets a negative key and keeps its text in `text_id`, a column NULL for
/// numeric rows with a partial unique index over the rows that have one: only text-keyed rows
/// pay for the mapping. The tables' `id` column is a virtual generated column
/// (`coalesce(text_id, pk)` as text), so every query reading ids keeps reading `id`; a lookup
/// by id goes through `pk(...)` here, which uses a key, never a scan of `id`.
enum RowKeys {
    /// The tables keyed this way.
    static let tables = ["customers", "orders", "interactions"]

    /// The id as a row key when it is a plain non-negative number without leading zeros (so
    /// that "007" and "7" stay different ids), else nil.
    static func number(_ id: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard !id.isEmpty, id.count <= 18, id.count == 1 || id[0] != UInt8(ascii: "0") else { return nil }
        var value: Int64 = 0
        for byte in id {
            guard byte >= 48, byte <= 57 else { return nil }
            value = value &* 10 &+ Int64(byte &- 48)
        }
        return value
    }

    static func number(_ id: String) -> Int64? {
        var id = id
        return id.withUTF8 { number($0) }
    }

    /// SQL that is true when the text `column` is an id `number` accepts (used by the migration).
    static func isNumberSQL(_ column: String) -> String {
        "(\(column) <> '' AND \(column) NOT GLOB '*[^0-9]*' AND (\(column) = '0' OR \(column) NOT GLOB '0*') AND length(\(column)) <= 18)"
    }

    /// The row key of the row of `table` with this user id, or nil when there is none.
    static func pk(_ db: Database, _ table: String = "customers", id: String) throws -> Int64? {
        if let number = number(id) {
            return try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT pk FROM main.\(table) WHERE pk = ? AND text_id IS NULL"), arguments: [number])
        }
        return try Int64.fetchOne(db.cachedStatement(sql: "SELECT pk FROM main.\(table) WHERE text_id = ?"), arguments: [id])
    }

    /// The key the next text-keyed row of `table` gets: below every key in use (and below 0).
    static func nextTextKey(_ db: Database, _ table: String) throws -> Int64 {
        min(try Int64.fetchOne(db, sql: "SELECT min(pk) FROM main.\(table)") ?? 0, 0) - 1
    }

    /// Every table with a `customer_pk` column, found in the schema so that a table added by a
    /// later migration is included.
    static func customerReferences(_ db: Database) throws -> [String] {
        try String.fetchAll(
            db,
            sql: """
                SELECT m.name FROM sqlite_master m
                WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
                  AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) p WHERE p.name = 'customer_pk')
                ORDER BY m.name
                """)
    }

    /// Gives the customer `from` the key `to` (unused), moving every row that refers to them.
    /// Foreign keys are checked at commit.
    static func moveCustomer(_ db: Database, from: Int64, to: Int64) throws {
        try db.execute(sql: "PRAGMA defer_foreign_keys = ON")
        try db.execute(sql: "UPDATE customers SET pk = ? WHERE pk = ?", arguments: [to, from])
        for table in try customerReferences(db) {
            try db.execute(
                sql: "UPDATE \(table) SET customer_pk = ? WHERE \(CustomerErasure.customerFilter(for: table))", arguments: [to, from])
        }
    }

    // MARK: The migration to integer keys

    /// Rebuilds `customers`, `orders` and `interactions` with integer keys and renumbers every
    /// reference to a customer. Runs inside a migration (foreign keys checked at its end).
    static func migrate(_ db: Database) throws {
        let idColumn = "id TEXT GENERATED ALWAYS AS (coalesce(text_id, CAST(pk AS TEXT))) VIRTUAL"
        // Old key → new key of every customer; texts get -1, -2, ... in the old key order.
        try db.execute(sql: """
            CREATE TEMP TABLE crm_customer_keys (old_pk INTEGER PRIMARY KEY, new_pk INTEGER NOT NULL);
            INSERT INTO temp.crm_customer_keys
              SELECT pk, CASE WHEN \(isNumberSQL("id")) THEN CAST(id AS INTEGER) ELSE -row_number() OVER (ORDER BY pk) END
              FROM customers;
            CREATE TABLE crm_new_customers (
                pk           INTEGER PRIMARY KEY,
                \(idColumn),
                name         TEXT,
                email        TEXT,
                phone        TEXT,
                gender       TEXT,
                birth_date   TEXT,
                city         TEXT,
                industry     TEXT,
                company_size TEXT,
                occupation   TEXT,
                created_at   INTEGER,
                import_run   INTEGER,
                text_id      TEXT
            );
            INSERT INTO crm_new_customers (pk, text_id, name, email, phone, gender, birth_date, city, industry,
                                           company_size, occupation, created_at, import_run)
              SELECT k.new_pk, CASE WHEN k.new_pk < 0 THEN c.id END, c.name, c.email, c.phone, c.gender, c.birth_date,
                     c.city, c.industry, c.company_size, c.occupation, c.created_at, c.import_run
              FROM customers c JOIN temp.crm_customer_keys k ON k.old_pk = c.pk ORDER BY k.new_pk;
            DROP TABLE customers;
            ALTER TABLE crm_new_customers RENAME TO customers;
            CREATE UNIQUE INDEX customers_by_text_id ON customers(text_id) WHERE text_id IS NOT NULL;
            """)
        let behaviour = [
            "orders": """
                customer_pk INTEGER NOT NULL REFERENCES customers(pk),
                ordered_at  INTEGER NOT NULL,
                product     TEXT,
                category    TEXT,
                quantity    INTEGER,
                unit_price  INTEGER,
                amount      INTEGER NOT NULL,
                import_run  INTEGER,
                """,
            "interactions": """
                customer_pk INTEGER NOT NULL REFERENCES customers(pk),
                kind        TEXT NOT NULL,
                occurred_at INTEGER NOT NULL,
                import_run  INTEGER,
                """,
        ]
        for table in ["orders", "interactions"] {
            let columns = table == "orders"
                ? ["ordered_at", "product", "category", "quantity", "unit_price", "amount", "import_run"]
                : ["kind", "occurred_at", "import_run"]
            let list = columns.joined(separator: ", ")
            try db.execute(sql: """
                CREATE TABLE crm_new_\(table) (
                    pk          INTEGER PRIMARY KEY,
                    \(idColumn),
                    \(behaviour[table] ?? "")
                    text_id     TEXT
                );
                INSERT INTO crm_new_\(table) (pk, text_id, customer_pk, \(list))
                  SELECT CASE WHEN \(isNumberSQL("r.id")) THEN CAST(r.id AS INTEGER) ELSE -row_number() OVER (ORDER BY r.pk) END,
                         CASE WHEN \(isNumberSQL("r.id")) THEN NULL ELSE r.id END,
                         k.new_pk, \(columns.map { "r." + $0 }.joined(separator: ", "))
                  FROM \(table) r JOIN temp.crm_customer_keys k ON k.old_pk = r.customer_pk;
                DROP TABLE \(table);
                ALTER TABLE crm_new_\(table) RENAME TO \(table);
                CREATE UNIQUE INDEX \(table)_by_text_id ON \(table)(text_id) WHERE text_id IS NOT NULL;
                """)
            if let index = ImportStore.secondaryIndexes[table] { try db.execute(sql: index.sql) }
        }
        // Every other reference: moved out of the way first, so no key collides on the way.
        let offset: Int64 = 1 << 62
        for table in try customerReferences(db) where !["orders", "interactions"].contains(table) {
            try db.execute(sql: """
                UPDATE \(table) SET customer_pk = customer_pk + \(offset);
                UPDATE \(table) SET customer_pk = (SELECT new_pk FROM temp.crm_customer_keys WHERE old_pk = customer_pk - \(offset));
                """)
        }
        try db.execute(sql: "DROP TABLE temp.crm_customer_keys")
    }
}

extension RowKeys {
    /// A key no row has: what a filter by an unknown id compares with, so it matches nothing.
    static let noRow = Int64.min

    /// The customer's key for a query filter: nil without an id, `noRow` for an unknown one.
    static func key(_ db: Database, id: String?) throws -> Int64? {
        guard let id else { return nil }
        return try pk(db, id: id) ?? noRow
    }
}
