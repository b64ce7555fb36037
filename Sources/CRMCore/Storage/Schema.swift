import GRDB

/// The database schema, as a list of migrations applied in order and recorded by GRDB.
///
/// Times are integer microseconds since 1970-01-01T00:00:00Z (UTC); money is integer minor
/// units of the database currency (see `settings`). Customers, orders and interactions are keyed
/// by the user's id when it is a number and keep other ids as text (`RowKeys`, migration v9-keys);
/// the tables created by v1 below are rebuilt that way by v9-keys.
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
        migrator.registerMigration("v5: follow-up actions: tasks, tags, outbox, contact blocks") { db in
            try db.execute(sql: """
                -- One row per (action, customer, transition that fired it): the exactly-once key.
                -- outcome: applied, held_out, skipped (re-entry rule), failed (retried next run).
                CREATE TABLE follow_ups (
                    id            INTEGER PRIMARY KEY,
                    action        TEXT NOT NULL,
                    plugin        TEXT NOT NULL,
                    customer_pk   INTEGER NOT NULL REFERENCES customers(pk),
                    transition_id INTEGER NOT NULL REFERENCES transitions(id),
                    trigger       TEXT NOT NULL,
                    run_id        INTEGER NOT NULL REFERENCES runs(id),
                    as_of         INTEGER NOT NULL,
                    outcome       TEXT NOT NULL,
                    detail        TEXT,
                    attempts      INTEGER NOT NULL DEFAULT 1,
                    UNIQUE (action, customer_pk, transition_id)
                );
                CREATE INDEX follow_ups_by_customer ON follow_ups(customer_pk, action);
                CREATE INDEX follow_ups_failed ON follow_ups(action) WHERE outcome = 'failed';
                CREATE TABLE tasks (
                    id           INTEGER PRIMARY KEY,
                    follow_up_id INTEGER REFERENCES follow_ups(id),
                    customer_pk  INTEGER NOT NULL REFERENCES customers(pk),
                    action       TEXT,
                    title        TEXT NOT NULL,
                    body         TEXT,
                    owner        TEXT,
                    priority     TEXT NOT NULL,
                    due_date     TEXT,
                    status       TEXT NOT NULL DEFAULT 'open',
                    created_at   INTEGER NOT NULL,
                    done_at      INTEGER,
                    note         TEXT
                );
                CREATE INDEX tasks_by_customer ON tasks(customer_pk);
                CREATE TABLE customer_tags (
                    customer_pk  INTEGER NOT NULL REFERENCES customers(pk),
                    tag          TEXT NOT NULL,
                    added_at     INTEGER NOT NULL,
                    follow_up_id INTEGER REFERENCES follow_ups(id),
                    PRIMARY KEY (customer_pk, tag)
                ) WITHOUT ROWID;
                -- status: pending, sending (claimed), sent, failed (will retry), dead, suppressed, capped.
                CREATE TABLE outbox (
                    id              INTEGER PRIMARY KEY,
                    key             TEXT NOT NULL UNIQUE,
                    follow_up_id    INTEGER REFERENCES follow_ups(id),
                    customer_pk     INTEGER NOT NULL REFERENCES customers(pk),
                    action          TEXT,
                    channel         TEXT NOT NULL,
                    template        TEXT NOT NULL,
                    data            TEXT NOT NULL,
                    transactional   INTEGER NOT NULL DEFAULT 0,
                    cap_day         INTEGER,
                    cap_week        INTEGER,
                    status          TEXT NOT NULL,
                    attempts        INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at INTEGER,
                    last_error      TEXT,
                    note            TEXT,
                    created_at      INTEGER NOT NULL,
                    sent_at         INTEGER,
                    claimed_by      TEXT,
                    claim_expires   INTEGER
                );
                CREATE INDEX outbox_by_status ON outbox(status, next_attempt_at);
                CREATE INDEX outbox_by_customer ON outbox(customer_pk, channel, sent_at);
                -- How far each action has consumed the transitions (the durable cursor).
                CREATE TABLE action_cursors (
                    action        TEXT PRIMARY KEY,
                    transition_id INTEGER NOT NULL
                ) WITHOUT ROWID;
                -- Do-not-contact records per customer and channel.
                CREATE TABLE contact_blocks (
                    customer_pk INTEGER NOT NULL REFERENCES customers(pk),
                    channel     TEXT NOT NULL,
                    reason      TEXT NOT NULL,
                    blocked_at  INTEGER NOT NULL,
                    PRIMARY KEY (customer_pk, channel)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v6: jobs") { db in
            try JobStore.createTables(db)
        }
        migrator.registerMigration("v7: effects jobs applied, keyed by job instance") { db in
            try db.execute(sql: """
                -- One row per job:apply(customer, effects) of a job instance: a retried instance
                -- makes the same calls in the same order and finds them applied.
                CREATE TABLE job_effects (
                    job           TEXT NOT NULL,
                    scheduled_for INTEGER NOT NULL,
                    customer_pk   INTEGER NOT NULL REFERENCES customers(pk),
                    sequence      INTEGER NOT NULL,
                    applied_at    INTEGER NOT NULL,
                    PRIMARY KEY (job, scheduled_for, customer_pk, sequence)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v8: customer merges") { db in
            try db.execute(sql: """
                -- Every merge of a duplicate into a customer, shown in the kept customer's history.
                CREATE TABLE customer_merges (
                    id           INTEGER PRIMARY KEY,
                    customer_pk  INTEGER NOT NULL REFERENCES customers(pk),  -- the customer kept
                    duplicate_id TEXT NOT NULL,
                    merged_at    INTEGER NOT NULL,
                    run_id       INTEGER NOT NULL REFERENCES runs(id),
                    summary      TEXT NOT NULL
                );
                CREATE INDEX customer_merges_by_customer ON customer_merges(customer_pk);
                """)
        }
        migrator.registerMigration("v9-keys: integer keys for customers, orders and interactions (issue 13)") { db in
            // A numeric id is the row's key; other ids keep their text in `text_id` (RowKeys).
            try RowKeys.migrate(db)
        }
        // After v9-keys, whose renumbering of customer_pk it relies on being done.
        migrator.registerMigration(Self.compactMemberships, migrate: compactMemberships)
        migrator.registerMigration(Self.keptProfile, migrate: keptProfile)
        migrator.registerMigration(Self.compactDigests, migrate: compactDigests)
        migrator.registerMigration("issue13-slim-indexes: a customer's orders and interactions indexed by customer alone") { db in
            for table in ["orders", "interactions"] {
                guard let index = ImportStore.secondaryIndexes[table] else { continue }
                try db.execute(sql: "DROP INDEX \(index.name); \(index.sql)")
            }
        }
        // A first run appends each segmentation's transitions in customer order; indexed by
        // customer first, every one of them landed between another segmentation's entries.
        migrator.registerMigration("issue13-transitions-by-segmentation: transitions indexed by segmentation, customer and id") { db in
            try db.execute(sql: """
                DROP INDEX transitions_by_customer;
                CREATE INDEX transitions_by_segmentation ON transitions(segmentation_code, customer_pk, id);
                """)
        }
        migrator.registerMigration(Self.fieldsByField, migrate: fieldsByField)
        return migrator
    }

    static let compactDigests = "issue13-compact-digests: activity digests as varints"

    /// Writes every activity digest again in `ActivityDigest`'s varint form (from fixed-width
    /// entries of 24 and 12 bytes). The digests stand for the same rows, so a kept profile stays
    /// current: the changes the rewrite logged are taken out of the log again.
    private static func compactDigests(_ db: Database) throws {
        let lastChange = try KeptProfileStore.lastChange(db)
        try ActivityStore.rebuild(db, .orders, customers: nil)
        try ActivityStore.rebuild(db, .interactions, customers: nil)
        try db.execute(sql: "DELETE FROM profile_changes WHERE seq > ?", arguments: [lastChange])
    }

    static let keptProfile = "issue13-kept-profile: the last built profile kept on disk, and the customers changed since"

    /// `KeptProfileStore`'s tables, and the triggers that log every change to what a profile is
    /// built from (customers, their activity digests and custom field values; orders and
    /// interactions reach profiles only through the digests). The triggers log nothing until a profile has been kept, so a
    /// first bulk load pays only the check.
    private static func keptProfile(_ db: Database) throws {
        var sql = """
            CREATE TABLE kept_profile (
                id             INTEGER PRIMARY KEY CHECK (id = 1),
                key            TEXT NOT NULL,
                valid_from     INTEGER NOT NULL,
                valid_until    INTEGER NOT NULL,
                through_change INTEGER NOT NULL
            );
            CREATE TABLE kept_profile_columns (
                name TEXT PRIMARY KEY,
                data BLOB NOT NULL
            );
            CREATE TABLE profile_changes (
                seq         INTEGER PRIMARY KEY,
                customer_pk INTEGER NOT NULL
            );

            """
        for (table, key) in [("customers", "pk"), ("customer_activity", "customer_pk"), ("customer_fields", "customer_pk")] {
            sql += changeTriggers(table: table, key: key)
        }
        try db.execute(sql: sql)
    }

    /// The triggers that log each change of `table`'s rows to `profile_changes` (by the
    /// customer in column `key`) once a profile has been kept.
    private static func changeTriggers(table: String, key: String) -> String {
        """
        CREATE TRIGGER \(table)_changes_insert AFTER INSERT ON \(table) WHEN EXISTS (SELECT 1 FROM kept_profile)
        BEGIN INSERT INTO profile_changes(customer_pk) VALUES (new.\(key)); END;
        CREATE TRIGGER \(table)_changes_delete AFTER DELETE ON \(table) WHEN EXISTS (SELECT 1 FROM kept_profile)
        BEGIN INSERT INTO profile_changes(customer_pk) VALUES (old.\(key)); END;
        CREATE TRIGGER \(table)_changes_update AFTER UPDATE ON \(table) WHEN EXISTS (SELECT 1 FROM kept_profile)
        BEGIN
            INSERT INTO profile_changes(customer_pk) VALUES (new.\(key));
            INSERT INTO profile_changes(customer_pk) SELECT old.\(key) WHERE old.\(key) <> new.\(key);
        END;

        """
    }

    static let fieldsByField = "issue13-fields-by-field: custom field values keyed by field, then customer"

    /// `customer_fields` keyed by `(field, customer_pk)` instead of `(customer_pk, field)`: a
    /// computed field writes its values in customer order, which now appends one field's range
    /// instead of landing between every customer's other fields. The index by field is the key
    /// now; one customer's values are found with one seek per stored field
    /// (`FieldStore.ofCustomer`). The rows are copied as they are, so a kept profile stays current.
    private static func fieldsByField(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE customer_fields_keyed (
                customer_pk INTEGER NOT NULL REFERENCES customers(pk),
                field       TEXT NOT NULL,
                value       TEXT NOT NULL,
                run_id      INTEGER REFERENCES runs(id),
                PRIMARY KEY (field, customer_pk)
            ) WITHOUT ROWID;
            INSERT INTO customer_fields_keyed(customer_pk, field, value, run_id)
                SELECT customer_pk, field, value, run_id FROM customer_fields ORDER BY field, customer_pk;
            DROP TABLE customer_fields;
            ALTER TABLE customer_fields_keyed RENAME TO customer_fields;
            """ + changeTriggers(table: "customer_fields", key: "customer_pk"))
    }

    /// Issue 13: memberships and transitions as integer rows. Named apart from the `vN` series
    /// (another change of issue 13 adds its own) so the two can be ordered when merged; it
    /// depends on v2 (the tables it rewrites) and v5 (`follow_ups` refers to transitions by id,
    /// which it keeps).
    static let compactMemberships = "issue13-segments: memberships and transitions as integer codes, reasons not stored"

    /// Segmentations and segments get integer codes (a segment's code is unique across
    /// segmentations); a membership is (segmentation, customer, segment, run) and a transition
    /// (run, segmentation, customer, from, to). The as-of of both is their run's; the reason is
    /// not stored (`SegmentReasons` asks the plugin when a reason is shown). Transition ids stay,
    /// so follow-ups and action cursors still point at the same events.
    private static func compactMemberships(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE segmentation_codes (
                code INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE
            );
            CREATE TABLE segment_codes (
                code         INTEGER PRIMARY KEY,
                segmentation INTEGER NOT NULL REFERENCES segmentation_codes(code),
                name         TEXT NOT NULL,
                UNIQUE (segmentation, name)
            );
            INSERT INTO segmentation_codes(name)
                SELECT segmentation FROM memberships UNION SELECT segmentation FROM transitions ORDER BY 1;
            INSERT INTO segment_codes(segmentation, name)
                SELECT s.code, x.segment FROM (
                    SELECT segmentation, segment FROM memberships
                    UNION SELECT segmentation, to_segment FROM transitions
                    UNION SELECT segmentation, from_segment FROM transitions WHERE from_segment IS NOT NULL
                ) x JOIN segmentation_codes s ON s.name = x.segmentation ORDER BY 1, 2;
            CREATE TABLE memberships_compact (
                segmentation_code INTEGER NOT NULL,
                customer_pk       INTEGER NOT NULL REFERENCES customers(pk),
                segment_code      INTEGER NOT NULL,
                since_run         INTEGER NOT NULL REFERENCES runs(id),
                PRIMARY KEY (segmentation_code, customer_pk)
            ) WITHOUT ROWID;
            INSERT INTO memberships_compact
                SELECT s.code, m.customer_pk, g.code, m.since_run FROM memberships m
                JOIN segmentation_codes s ON s.name = m.segmentation
                JOIN segment_codes g ON g.segmentation = s.code AND g.name = m.segment;
            CREATE TABLE transitions_compact (
                id                INTEGER PRIMARY KEY,
                run_id            INTEGER NOT NULL REFERENCES runs(id),
                segmentation_code INTEGER NOT NULL,
                customer_pk       INTEGER NOT NULL REFERENCES customers(pk),
                from_code         INTEGER,
                to_code           INTEGER NOT NULL
            );
            INSERT INTO transitions_compact
                SELECT t.id, t.run_id, s.code, t.customer_pk, f.code, g.code FROM transitions t
                JOIN segmentation_codes s ON s.name = t.segmentation
                JOIN segment_codes g ON g.segmentation = s.code AND g.name = t.to_segment
                LEFT JOIN segment_codes f ON f.segmentation = s.code AND f.name = t.from_segment;
            DROP TABLE memberships;
            DROP TABLE transitions;
            ALTER TABLE memberships_compact RENAME TO memberships;
            ALTER TABLE transitions_compact RENAME TO transitions;
            CREATE INDEX transitions_by_customer ON transitions(customer_pk, id);
            """)
    }
}
