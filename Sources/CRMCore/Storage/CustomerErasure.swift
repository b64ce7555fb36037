import GRDB

/// What `crm customer delete` removed or kept, by table: counts only, never personal data.
public struct ErasureCounts: Sendable, Equatable {
    /// Rows removed per table, in the order they were removed.
    public var removed: [(table: String, rows: Int)] = []
    /// For an anonymisation: the id the customer's orders and interactions are kept under.
    public var anonymousID: String?

    public static func == (lhs: ErasureCounts, rhs: ErasureCounts) -> Bool {
        lhs.removed.map(\.table) == rhs.removed.map(\.table) && lhs.removed.map(\.rows) == rhs.removed.map(\.rows)
            && lhs.anonymousID == rhs.anonymousID
    }
}

/// Erasure: every row that refers to a customer, removed in one transaction (children first,
/// so foreign keys hold), or, anonymised, the personal data only.
enum CustomerErasure {
    /// Tables that refer to a customer, in an order that deletes children before parents:
    /// effects before the follow-ups they point to, follow-ups before the transitions.
    static let dependents = [
        "tasks", "customer_tags", "outbox", "follow_ups", "job_effects", "contact_blocks", "scores", "memberships", "transitions",
        "customer_fields", "customer_activity", "orders", "interactions", "customer_merges",
    ]

    /// Tables an anonymisation clears: what a person wrote, what was said to or about them.
    static let personalDependents = ["tasks", "customer_tags", "outbox", "contact_blocks"]

    /// The condition for one customer's rows (bound as the last argument) of any table with a
    /// `customer_pk`, through the table's key or index: the tables keyed by segmentation or by
    /// field first are searched once per segmentation or field.
    static func customerFilter(for table: String) -> String {
        switch table {
        case "memberships", "transitions": return MembershipStore.ofCustomer()
        case "customer_fields": return FieldStore.ofCustomer()
        default: return "customer_pk = ?"
        }
    }

    /// Deletes a customer's rows from one of the `dependents`, through the table's key or index.
    static func deleteRows(_ db: Database, of table: String, customerPK: Int64) throws {
        try db.execute(sql: "DELETE FROM \(table) WHERE \(customerFilter(for: table))", arguments: [customerPK])
    }

    static func delete(_ db: Database, customerPK: Int64) throws -> ErasureCounts {
        var counts = ErasureCounts()
        try KeptProfileStore.forget(db)
        for table in dependents {
            try deleteRows(db, of: table, customerPK: customerPK)
            counts.removed.append((table, db.changesCount))
        }
        try db.execute(sql: "DELETE FROM customers WHERE pk = ?", arguments: [customerPK])
        counts.removed.append(("customers", db.changesCount))
        return counts
    }

    /// Keeps orders, interactions, memberships and transitions (so revenue and segment
    /// statistics stay true) under `anonymousID`; erases the personal attributes, the
    /// `personalFields`, and what was said to or about the person (tasks, tags, messages).
    static func anonymize(_ db: Database, customerPK: Int64, anonymousID: String, personalFields: [String]) throws -> ErasureCounts {
        var counts = ErasureCounts(anonymousID: anonymousID)
        try KeptProfileStore.forget(db)
        // Follow-ups stay as evaluation history (treated or held out), without what they sent.
        for table in personalDependents {
            try db.execute(sql: "DELETE FROM \(table) WHERE customer_pk = ?", arguments: [customerPK])
            counts.removed.append((table, db.changesCount))
        }
        var removedFields = 0
        for field in personalFields {
            try db.execute(sql: "DELETE FROM customer_fields WHERE customer_pk = ? AND field = ?", arguments: [customerPK, field])
            removedFields += db.changesCount
        }
        counts.removed.append(("customer_fields", removedFields))
        // The anonymous id is text, so the row moves to a text key: a later import of the old
        // numeric id then makes a new customer instead of updating the anonymous one.
        let anonymousPK = try RowKeys.nextTextKey(db, "customers")
        try RowKeys.moveCustomer(db, from: customerPK, to: anonymousPK)
        try db.execute(
            sql: """
                UPDATE customers SET text_id = ?, name = NULL, email = NULL, phone = NULL, birth_date = NULL WHERE pk = ?
                """,
            arguments: [anonymousID, anonymousPK])
        counts.removed.append(("customers (personal attributes)", db.changesCount))
        return counts
    }
}

extension CRMDatabase {
    /// Removes a customer and every row that refers to them (or, with `anonymize`, keeps their
    /// orders, interactions and segment history under a new anonymous id and erases the
    /// personal attributes and `personalFields`), in one transaction recorded in `runs` with
    /// counts only. Throws for an unknown customer, changing nothing.
    public func eraseCustomer(id: String, anonymize: Bool, personalFields: [String]) throws -> ErasureCounts {
        let startedAt = Timestamp.now()
        let clock = ContinuousClock()
        let start = clock.now
        return try write { db in
            guard let pk = try RowKeys.pk(db, id: id) else {
                throw CRMError.notFound("no customer with id \"\(id)\"; nothing was deleted")
            }
            let counts = anonymize
                ? try CustomerErasure.anonymize(db, customerPK: pk, anonymousID: "anon-" + String(UInt64.random(in: 1...UInt64.max), radix: 16), personalFields: personalFields)
                : try CustomerErasure.delete(db, customerPK: pk)
            let kind: RunKind = anonymize ? .anonymisation : .erasure
            // Counts only: the run record must not keep who was erased.
            let subject = "1 customer: " + counts.removed.filter { $0.rows > 0 }.map { "\($0.table) \($0.rows)" }.joined(separator: ", ")
            let runID = try RunLog.begin(db, kind: kind, subject: subject, asOf: nil, startedAt: startedAt)
            try RunLog.finish(
                db,
                run: Run(
                    id: runID, kind: kind, subject: subject, asOf: nil, startedAt: startedAt,
                    durationMS: (clock.now - start).wholeMilliseconds, outcome: .succeeded,
                    rowsRead: counts.removed.reduce(0) { $0 + $1.rows }, inserted: 0, updated: anonymize ? 1 : 0, rejected: 0,
                    error: nil))
            return counts
        }
    }
}
