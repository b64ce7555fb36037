import GRDB

/// The database schema, as a list of migrations applied in order and recorded by GRDB.
///
/// Times are integer microseconds since 1970-01-01T00:00:00Z (UTC); money is integer minor
/// units of the database currency (see `settings`). Customers, orders and interactions keep the
/// user's own ids as text and an integer `pk` that joins them cheaply.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: customers, orders, interactions, runs") { db in
            try db.execute(sql: """
                CREATE TABLE settings (
                    key   TEXT PRIMARY KEY,
                    value TEXT NOT NULL
                );
                CREATE TABLE customers (
                    pk           INTEGER PRIMARY KEY,
                    id           TEXT NOT NULL UNIQUE,
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
                    import_run   INTEGER
                );
                -- Custom fields declared by plugins: no schema migration per field.
                -- value is the JSON encoding of the typed value.
                CREATE TABLE customer_fields (
                    customer_pk INTEGER NOT NULL REFERENCES customers(pk),
                    field       TEXT NOT NULL,
                    value       TEXT NOT NULL,
                    PRIMARY KEY (customer_pk, field)
                ) WITHOUT ROWID;
                CREATE TABLE orders (
                    pk          INTEGER PRIMARY KEY,
                    id          TEXT NOT NULL UNIQUE,
                    customer_pk INTEGER NOT NULL REFERENCES customers(pk),
                    ordered_at  INTEGER NOT NULL,
                    product     TEXT,
                    category    TEXT,
                    quantity    INTEGER,
                    unit_price  INTEGER,
                    amount      INTEGER NOT NULL,
                    import_run  INTEGER
                );
                CREATE INDEX orders_by_customer ON orders(customer_pk, ordered_at);
                CREATE TABLE interactions (
                    pk          INTEGER PRIMARY KEY,
                    id          TEXT NOT NULL UNIQUE,
                    customer_pk INTEGER NOT NULL REFERENCES customers(pk),
                    kind        TEXT NOT NULL,
                    occurred_at INTEGER NOT NULL,
                    import_run  INTEGER
                );
                CREATE INDEX interactions_by_customer ON interactions(customer_pk, occurred_at);
                -- Every unit of work (import, segmentation, job) is recorded here.
                CREATE TABLE runs (
                    id          INTEGER PRIMARY KEY,
                    kind        TEXT NOT NULL,
                    subject     TEXT NOT NULL,
                    as_of       INTEGER,
                    started_at  INTEGER NOT NULL,
                    duration_ms INTEGER NOT NULL DEFAULT 0,
                    outcome     TEXT NOT NULL,
                    rows_read   INTEGER NOT NULL DEFAULT 0,
                    inserted    INTEGER NOT NULL DEFAULT 0,
                    updated     INTEGER NOT NULL DEFAULT 0,
                    rejected    INTEGER NOT NULL DEFAULT 0,
                    plugin_version TEXT,
                    plugin_hash TEXT,
                    error       TEXT
                );
                """)
        }
        migrator.registerMigration("v2: segment memberships and transitions") { db in
            try db.execute(sql: """
                -- The current segment of each customer in each segmentation, and why they entered it.
                CREATE TABLE memberships (
                    segmentation TEXT NOT NULL,
                    customer_pk  INTEGER NOT NULL REFERENCES customers(pk),
                    segment      TEXT NOT NULL,
                    reason       TEXT,
                    since_run    INTEGER NOT NULL REFERENCES runs(id),
                    since_as_of  INTEGER NOT NULL,
                    PRIMARY KEY (segmentation, customer_pk)
                ) WITHOUT ROWID;
                -- One event per change of segment: the durable transitions follow-ups consume.
                CREATE TABLE transitions (
                    id           INTEGER PRIMARY KEY,
                    run_id       INTEGER NOT NULL REFERENCES runs(id),
                    segmentation TEXT NOT NULL,
                    customer_pk  INTEGER NOT NULL REFERENCES customers(pk),
                    from_segment TEXT,
                    to_segment   TEXT NOT NULL,
                    as_of        INTEGER NOT NULL,
                    reason       TEXT
                );
                CREATE INDEX transitions_by_customer ON transitions(customer_pk, id);
                CREATE INDEX transitions_by_run ON transitions(run_id);
                -- Segment sizes after every run, for sizes over time.
                CREATE TABLE segment_sizes (
                    run_id       INTEGER NOT NULL REFERENCES runs(id),
                    segmentation TEXT NOT NULL,
                    segment      TEXT NOT NULL,
                    customers    INTEGER NOT NULL,
                    PRIMARY KEY (run_id, segmentation, segment)
                ) WITHOUT ROWID;
                ALTER TABLE runs ADD COLUMN plugin TEXT;
                -- The latest value of every plugin score per customer, with its explanation.
                CREATE TABLE scores (
                    score       TEXT NOT NULL,
                    customer_pk INTEGER NOT NULL REFERENCES customers(pk),
                    value       REAL NOT NULL,
                    explanation TEXT,
                    run_id      INTEGER NOT NULL REFERENCES runs(id),
                    as_of       INTEGER NOT NULL,
                    PRIMARY KEY (score, customer_pk)
                ) WITHOUT ROWID;
                CREATE INDEX scores_by_value ON scores(score, value DESC);
                -- Plugin parameters overridden for this database (`crm plugin set`); value is text,
                -- parsed with the type of the plugin's default.
                CREATE TABLE plugin_params (
                    plugin TEXT NOT NULL,
                    key    TEXT NOT NULL,
                    value  TEXT NOT NULL,
                    PRIMARY KEY (plugin, key)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v3: computed custom fields remember their run") { db in
            try db.execute(sql: "ALTER TABLE customer_fields ADD COLUMN run_id INTEGER REFERENCES runs(id)")
            try db.execute(sql: "CREATE INDEX customer_fields_by_field ON customer_fields(field)")
        }
        migrator.registerMigration("v4: customer activity digests kept current at import") { db in
            try db.execute(sql: """
                -- Texts that digests refer to by number: order categories and interaction kinds.
                CREATE TABLE labels (
                    id   INTEGER PRIMARY KEY,
                    text TEXT NOT NULL UNIQUE
                );
                -- Each customer's orders and interactions as one blob each (ActivityDigest),
                -- rebuilt by every import for the customers it touched.
                CREATE TABLE customer_activity (
                    customer_pk  INTEGER PRIMARY KEY REFERENCES customers(pk),
                    orders       BLOB,
                    interactions BLOB
                );
                """)
            try ActivityStore.rebuild(db, .orders, customers: nil)
            try ActivityStore.rebuild(db, .interactions, customers: nil)
        }
        migrator.registerMigration("v5: jobs") { db in
            try JobStore.createTables(db)
        }
        return migrator
    }
}
