import GRDB

/// What `crm customer merge KEEP DUPLICATE` moved, kept and dropped.
public struct MergeSummary: Sendable, Equatable {
    public var keep: String
    public var duplicate: String
    public var orders = 0
    public var interactions = 0
    public var tasks = 0
    public var messages = 0
    /// Tags of the duplicate the kept customer did not have.
    public var tags = 0
    /// Custom fields only the duplicate had, moved; and fields both had, with the value taken from the duplicate (`--prefer duplicate`).
    public var fieldsMoved = 0
    public var fieldsOverwritten = 0
    /// Attributes empty on the kept customer, filled from the duplicate.
    public var attributesFilled: [String] = []
    /// Memberships of the duplicate dropped (the next run classifies the kept customer on the merged history).
    public var membershipsDropped = 0

    /// `orders 3, interactions 2, ...`: only what is not zero.
    public var counts: String {
        let items: [(String, Int)] = [
            ("orders", orders), ("interactions", interactions), ("tasks", tasks), ("messages", messages), ("tags", tags),
            ("fields moved", fieldsMoved), ("fields taken from the duplicate", fieldsOverwritten),
            ("attributes filled", attributesFilled.count), ("memberships dropped", membershipsDropped),
        ]
        let text = items.filter { $0.1 > 0 }.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
        return text.isEmpty ? "nothing to move" : text
    }
}

/// A recorded merge, shown in the kept customer's segment history.
public struct CustomerMergeRecord: Sendable, Equatable {
    public var duplicate: String
    public var mergedAt: Timestamp
    public var runID: Int64
    public var summary: String
}

/// Moves a duplicate customer's history onto the customer kept, in one transaction.
enum CustomerMerge {
    static let attributes = ["name", "email", "phone", "gender", "birth_date", "city", "industry", "company_size", "occupation"]

    static func merge(_ db: Database, keep: Int64, duplicate: Int64, preferDuplicate: Bool, summary: inout MergeSummary) throws {
        func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql, arguments: [duplicate, keep]) ?? 0 }
        summary.tags = try count("SELECT count(*) FROM customer_tags WHERE customer_pk = ? AND tag NOT IN (SELECT tag FROM customer_tags WHERE customer_pk = ?)")
        let ofCustomer = FieldStore.ofCustomer()
        summary.fieldsMoved = try count(
            "SELECT count(*) FROM customer_fields WHERE \(ofCustomer) AND field NOT IN (SELECT field FROM customer_fields WHERE \(ofCustomer))")
        if preferDuplicate {
            summary.fieldsOverwritten = try count(
                "SELECT count(*) FROM customer_fields d WHERE \(ofCustomer) AND EXISTS (SELECT 1 FROM customer_fields k WHERE k.customer_pk = ? AND k.field = d.field AND k.value <> d.value)")
        }
        let row = try Row.fetchOne(db, sql: "SELECT \(attributes.joined(separator: ", ")) FROM customers WHERE pk = ?", arguments: [keep])
        let other = try Row.fetchOne(db, sql: "SELECT \(attributes.joined(separator: ", ")) FROM customers WHERE pk = ?", arguments: [duplicate])
        summary.attributesFilled = attributes.enumerated().filter { index, _ in
            (row?[index] as String?) == nil && (other?[index] as String?) != nil
        }.map(\.element)
        summary.membershipsDropped = try Int.fetchOne(db, sql: "SELECT count(*) FROM memberships WHERE \(MembershipStore.ofCustomer())", arguments: [duplicate]) ?? 0
        // Tasks and messages move; the duplicate's follow-ups (keyed by its transitions) go.
        try db.execute(sql: "UPDATE tasks SET follow_up_id = NULL WHERE customer_pk = ?", arguments: [duplicate])
        try db.execute(sql: "UPDATE outbox SET follow_up_id = NULL WHERE customer_pk = ?", arguments: [duplicate])
        for (table, keyPath) in [("orders", \MergeSummary.orders), ("interactions", \.interactions), ("tasks", \.tasks), ("outbox", \.messages)] {
            try db.execute(sql: "UPDATE \(table) SET customer_pk = ? WHERE customer_pk = ?", arguments: [keep, duplicate])
            summary[keyPath: keyPath] = db.changesCount
        }
        try db.execute(sql: "UPDATE customer_merges SET customer_pk = ? WHERE customer_pk = ?", arguments: [keep, duplicate])
        try db.execute(
            sql: "INSERT INTO customer_tags(customer_pk, tag, added_at) SELECT ?, tag, added_at FROM customer_tags WHERE customer_pk = ? AND true ON CONFLICT DO NOTHING",
            arguments: [keep, duplicate])
        try db.execute(
            sql: """
                INSERT INTO customer_fields(customer_pk, field, value, run_id) SELECT ?, field, value, run_id FROM customer_fields
                WHERE \(ofCustomer) AND true ON CONFLICT(field, customer_pk) DO \(preferDuplicate ? "UPDATE SET value = excluded.value, run_id = excluded.run_id" : "NOTHING")
                """,
            arguments: [keep, duplicate])
        try db.execute(
            sql: """
                INSERT INTO contact_blocks(customer_pk, channel, reason, blocked_at) SELECT ?, channel, reason, blocked_at FROM contact_blocks
                WHERE customer_pk = ? AND true ON CONFLICT DO NOTHING
                """,
            arguments: [keep, duplicate])
        let fill = attributes.map { "\($0) = coalesce(\($0), (SELECT \($0) FROM customers WHERE pk = ?))" }.joined(separator: ", ")
        try db.execute(
            sql: """
                UPDATE customers SET \(fill),
                    created_at = min(coalesce(created_at, 9223372036854775807), coalesce((SELECT created_at FROM customers WHERE pk = ?), 9223372036854775807))
                WHERE pk = ?
                """,
            arguments: StatementArguments(Array(repeating: duplicate, count: attributes.count + 1) + [keep]))
        try db.execute(sql: "UPDATE customers SET created_at = NULL WHERE pk = ? AND created_at = 9223372036854775807", arguments: [keep])
        // What is left of the duplicate goes, as in an erasure.
        for table in CustomerErasure.dependents {
            try CustomerErasure.deleteRows(db, of: table, customerPK: duplicate)
        }
        try db.execute(sql: "DELETE FROM customers WHERE pk = ?", arguments: [duplicate])
        try ActivityStore.rebuild(db, .orders, customers: [keep])
        try ActivityStore.rebuild(db, .interactions, customers: [keep])
    }
}

extension CRMDatabase {
    /// Merges `duplicate` into `keep` (or, with `dryRun`, says what would move), in one
    /// transaction recorded in `runs` and `customer_merges`.
    public func mergeCustomers(keep: String, duplicate: String, preferDuplicate: Bool, dryRun: Bool) throws -> MergeSummary {
        guard keep != duplicate else { throw CRMError.invalidArgument("a customer cannot be merged with itself (\(keep))") }
        let startedAt = Timestamp.now()
        let clock = ContinuousClock()
        let start = clock.now
        let work = { (db: Database) throws -> MergeSummary in
            func pk(_ id: String, _ role: String) throws -> Int64 {
                guard let pk = try RowKeys.pk(db, id: id) else {
                    throw CRMError.notFound("no customer with id \"\(id)\" (the \(role)); nothing was merged")
                }
                return pk
            }
            let keepPK = try pk(keep, "customer to keep")
            let duplicatePK = try pk(duplicate, "duplicate")
            var summary = MergeSummary(keep: keep, duplicate: duplicate)
            try CustomerMerge.merge(db, keep: keepPK, duplicate: duplicatePK, preferDuplicate: preferDuplicate, summary: &summary)
            if dryRun { throw MergeRollback(summary: summary) }
            let subject = "customer \(keep) <- \(duplicate): \(summary.counts)"
            let runID = try RunLog.begin(db, kind: .merge, subject: subject, asOf: nil, startedAt: startedAt)
            try RunLog.finish(
                db,
                run: Run(
                    id: runID, kind: .merge, subject: subject, asOf: nil, startedAt: startedAt, durationMS: (clock.now - start).wholeMilliseconds,
                    outcome: .succeeded, rowsRead: summary.orders + summary.interactions, inserted: 0, updated: summary.orders + summary.interactions,
                    rejected: 0, error: nil))
            try db.execute(
                sql: "INSERT INTO customer_merges(customer_pk, duplicate_id, merged_at, run_id, summary) VALUES (?, ?, ?, ?, ?)",
                arguments: [keepPK, duplicate, startedAt.microsecondsSinceEpoch, runID, summary.counts])
            return summary
        }
        do {
            return try write(work)
        } catch let rollback as MergeRollback {
            return rollback.summary
        }
    }

    /// The merges into a customer, oldest first.
    public func merges(into customerID: String) throws -> [CustomerMergeRecord] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT m.duplicate_id, m.merged_at, m.run_id, m.summary FROM customer_merges m JOIN customers c ON c.pk = m.customer_pk
                    WHERE c.pk = ? ORDER BY m.merged_at
                    """,
                arguments: [try RowKeys.key(db, id: customerID)]
            ).map { CustomerMergeRecord(duplicate: $0[0], mergedAt: Timestamp(microsecondsSinceEpoch: $0[1]), runID: $0[2], summary: $0[3]) }
        }
    }
}

/// Rolls a dry-run merge back after it counted what it would move.
private struct MergeRollback: Error {
    let summary: MergeSummary
}
