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
        return migrator
    }
}
