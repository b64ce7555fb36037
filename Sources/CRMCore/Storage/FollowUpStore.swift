import GRDB

/// A segment change (or a long stay) that may fire an action for one customer.
struct FollowUpEvent {
    var customerPK: Int64
    /// The transition that fired it: the change itself, or for a stay the change that began it.
    /// 0 in a dry run, where nothing is written.
    var transitionID: Int64
    var from: String?
    var to: String?
    /// For a stay: when the customer entered the segment.
    var since: Timestamp?
    /// For a retry: the failed follow-up row.
    var retryOf: Int64?
}

/// Reads events for follow-up actions and writes what they fired: `follow_ups` (the
/// exactly-once key), tasks, tags, outbox messages and field values.
enum FollowUpStore {
    /// The id of the customer with key `pk`, or nil when there is none (a customer erased since
    /// the event).
    static func customerID(_ db: Database, pk: Int64) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT id FROM customers WHERE pk = ?"), arguments: [pk])
    }

    /// Starts a cursor for each action not seen before at the newest transition, so an action
    /// added to a database with history fires from now on, not for every past change.
    static func startCursors(_ db: Database, actions: [String]) throws {
        for action in actions {
            try db.execute(
                sql: "INSERT INTO action_cursors(action, transition_id) SELECT ?, coalesce(max(id), 0) FROM transitions WHERE true ON CONFLICT DO NOTHING",
                arguments: [action])
        }
    }

    /// Moves an action's cursor past every transition written so far.
    static func advanceCursor(_ db: Database, action: String) throws {
        try db.execute(
            sql: """
                INSERT INTO action_cursors(action, transition_id) SELECT ?, coalesce(max(id), 0) FROM transitions WHERE true
                ON CONFLICT(action) DO UPDATE SET transition_id = excluded.transition_id
                """,
            arguments: [action])
    }

    /// Whether any transition came after the cursor of one of `actions`.
    static func anyUnseen(_ db: Database, actions: [String]) throws -> Bool {
        guard !actions.isEmpty else { return false }
        let placeholders = actions.map { _ in "?" }.joined(separator: ", ")
        let oldest = try Int64.fetchOne(
            db, sql: "SELECT min(transition_id) FROM action_cursors WHERE action IN (\(placeholders))", arguments: StatementArguments(actions))
        let newest = try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM transitions") ?? 0
        return newest > (oldest ?? newest)
    }

    /// The transitions of `segmentation` after the action's cursor: the changes it has not seen;
    /// only those into one of `into` (when given) or out of one of `outOf` (when given).
    ///
    /// `classified` is how many customers the segmentation has classified: each has at least one
    /// transition of it, so when fewer transitions (of every segmentation) came after the cursor,
    /// reading them by id is cheaper than the segmentation's index, which holds its whole
    /// history (a daily run reads its few changes, not years of them). Either way gives the
    /// same events.
    static func transitions(
        _ db: Database, after action: String, segmentation: String, into: [String]? = nil, outOf: [String]? = nil, classified: Int = 0
    ) throws -> [FollowUpEvent] {
        let newest = try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM transitions") ?? 0
        let cursor = try Int64.fetchOne(db, sql: "SELECT transition_id FROM action_cursors WHERE action = ?", arguments: [action]) ?? newest
        guard let code = try MembershipStore.segmentationCode(db, segmentation) else { return [] }
        let byID = newest - cursor <= Int64(classified)
        // Each name once, shared by every event (an action of a first run at L reads 300k).
        let names = try MembershipStore.segmentNames(db, segmentationCode: code)
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT t.id, t.customer_pk, t.from_code, t.to_code FROM transitions t \(byID ? "NOT INDEXED" : "")
                WHERE t.id > ? AND t.segmentation_code = (SELECT code FROM segmentation_codes WHERE name = ?)
                  \(into.map { "AND t.to_code IN (\(codes($0)))" } ?? "") \(outOf.map { "AND t.from_code IN (\(codes($0)))" } ?? "")
                ORDER BY t.id
                """,
            arguments: StatementArguments(
                [cursor as any DatabaseValueConvertible, segmentation]
                    + (into.map { [segmentation] + $0 } ?? []) + (outOf.map { [segmentation] + $0 } ?? [])))
        var events: [FollowUpEvent] = []
        while let row = try rows.next() {
            let from: Int64? = row[2]
            events.append(FollowUpEvent(customerPK: row[1], transitionID: row[0], from: from.flatMap { names[$0] }, to: names[row[3]]))
        }
        return events
    }

    /// The codes of the named segments of a segmentation: the SQL for its arguments, the
    /// segmentation's name and then the names.
    private static func codes(_ names: [String]) -> String {
        "SELECT g.code FROM segment_codes g JOIN segmentation_codes s ON s.code = g.segmentation WHERE s.name = ? AND g.name IN ("
            + names.map { _ in "?" }.joined(separator: ", ") + ")"
    }

    /// Customers in `segments` of `segmentation` since before `enteredBefore` whose stay has not
    /// yet been handled by `action`, with the transition that began the stay.
    static func stays(
        _ db: Database, action: String, segmentation: String, segments: [String], enteredBefore: Timestamp
    ) throws -> [FollowUpEvent] {
        let placeholders = segments.map { _ in "?" }.joined(separator: ", ")
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT m.customer_pk, g.name, r.as_of,
                       (SELECT max(t.id) FROM transitions t WHERE t.customer_pk = m.customer_pk AND t.segmentation_code = m.segmentation_code)
                FROM memberships m JOIN segment_codes g ON g.code = m.segment_code JOIN runs r ON r.id = m.since_run
                WHERE m.segmentation_code = (SELECT code FROM segmentation_codes WHERE name = ?) AND g.name IN (\(placeholders)) AND r.as_of < ?
                ORDER BY m.customer_pk
                """,
            arguments: StatementArguments([segmentation as any DatabaseValueConvertible] + segments + [enteredBefore.microsecondsSinceEpoch]))
        var events: [FollowUpEvent] = []
        let handled = try db.cachedStatement(sql: "SELECT 1 FROM follow_ups WHERE action = ? AND customer_pk = ? AND transition_id = ?")
        while let row = try rows.next() {
            guard let transition: Int64 = row[3] else { continue }
            let pk: Int64 = row[0]
            if try Bool.fetchOne(handled, arguments: [action, pk, transition]) == true { continue }
            events.append(FollowUpEvent(
                customerPK: pk, transitionID: transition, from: nil, to: row[1],
                since: Timestamp(microsecondsSinceEpoch: row[2])))
        }
        return events
    }

    /// Follow-ups of `action` that failed and are retried by the next run.
    static func failed(_ db: Database, action: String) throws -> [FollowUpEvent] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT f.id, f.customer_pk, f.transition_id, fs.name, ts.name, r.as_of
                FROM follow_ups f JOIN transitions t ON t.id = f.transition_id
                LEFT JOIN segment_codes fs ON fs.code = t.from_code JOIN segment_codes ts ON ts.code = t.to_code
                JOIN runs r ON r.id = t.run_id
                WHERE f.action = ? AND f.outcome = 'failed' ORDER BY f.id
                """,
            arguments: [action]
        ).map { row in
            FollowUpEvent(
                customerPK: row[1], transitionID: row[2], from: row[3], to: row[4],
                since: Timestamp(microsecondsSinceEpoch: row[5]), retryOf: row[0])
        }
    }

    /// The as-of of the last time `action` fired (or held out) for each of the customers that
    /// it fired for.
    static func lastFired(_ db: Database, action: String, customerPKs: [Int64]) throws -> [Int64: Timestamp] {
        var last: [Int64: Timestamp] = [:]
        guard !customerPKs.isEmpty else { return last }
        let rows = try Row.fetchCursor(
            db.cachedStatement(
                sql: """
                    SELECT customer_pk, max(as_of) FROM follow_ups
                    WHERE customer_pk IN (SELECT value FROM json_each(?)) AND action = ? AND outcome IN ('applied', 'held_out')
                    GROUP BY customer_pk
                    """),
            arguments: [jsonList(customerPKs), action])
        while let row = try rows.next() { last[row[0]] = Timestamp(microsecondsSinceEpoch: row[1]) }
        return last
    }

    /// `[1,2,3]`: keys for `json_each`, one statement for a batch of customers.
    private static func jsonList(_ keys: [Int64]) -> String {
        "[" + keys.map(String.init).joined(separator: ",") + "]"
    }

    /// The tags of a batch of customers, sorted, in one statement; untagged customers are absent.
    static func tags(_ db: Database, customerPKs: [Int64]) throws -> [Int64: [String]] {
        var found: [Int64: [String]] = [:]
        guard !customerPKs.isEmpty else { return found }
        let tags = try Row.fetchCursor(
            db.cachedStatement(
                sql: "SELECT customer_pk, tag FROM customer_tags WHERE customer_pk IN (SELECT value FROM json_each(?)) ORDER BY customer_pk, tag"),
            arguments: [jsonList(customerPKs)])
        while let row = try tags.next() { found[row[0], default: []].append(row[1]) }
        return found
    }

    static func tag(_ db: Database, customerPK: Int64, tag: String, add: Bool, followUp: Int64?, at instant: Timestamp) throws {
        if add {
            try db.cachedStatement(
                sql: "INSERT INTO customer_tags(customer_pk, tag, added_at, follow_up_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING"
            ).execute(arguments: [customerPK, tag, instant.microsecondsSinceEpoch, followUp])
        } else {
            try db.cachedStatement(sql: "DELETE FROM customer_tags WHERE customer_pk = ? AND tag = ?").execute(arguments: [customerPK, tag])
        }
    }

    /// Sets a customer's tags to exactly `tags` (an import's `tags` column).
    static func replaceTags(_ db: Database, customerID: String, tags: [String]) throws {
        guard let pk = try RowKeys.pk(db, id: customerID) else { return }
        let current = Set(try String.fetchAll(db.cachedStatement(sql: "SELECT tag FROM customer_tags WHERE customer_pk = ?"), arguments: [pk]))
        let now = Timestamp.now()
        for tag in current.subtracting(tags) { try self.tag(db, customerPK: pk, tag: tag, add: false, followUp: nil, at: now) }
        for tag in Set(tags).subtracting(current) { try self.tag(db, customerPK: pk, tag: tag, add: true, followUp: nil, at: now) }
    }

    /// Every tagged customer's tags, sorted and joined with commas, by customer key.
    static func tagLists(_ db: Database) throws -> [Int64: String] {
        var lists: [Int64: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT customer_pk, tag FROM customer_tags ORDER BY customer_pk, tag") {
            let pk: Int64 = row[0]
            let tag: String = row[1]
            lists[pk] = lists[pk].map { $0 + "," + tag } ?? tag
        }
        return lists
    }

    /// Claims the key of one `job:apply`; false when that call of the instance was applied before.
    static func claimJobEffect(_ db: Database, job: String, scheduledFor: Timestamp, customerPK: Int64, sequence: Int) throws -> Bool {
        try db.execute(
            sql: """
                INSERT INTO job_effects(job, scheduled_for, customer_pk, sequence, applied_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING
                """,
            arguments: [job, scheduledFor.microsecondsSinceEpoch, customerPK, sequence, Timestamp.now().microsecondsSinceEpoch])
        return db.changesCount > 0
    }

    static func customerPK(_ db: Database, id: String) throws -> Int64? {
        try RowKeys.pk(db, id: id)
    }
}
