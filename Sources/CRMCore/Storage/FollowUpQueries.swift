import GRDB

/// Tasks, tags, the outbox and do-not-contact records, for the CLI.
extension CRMDatabase {
    /// Which tasks `tasks(matching:)` returns.
    public struct TaskFilter: Sendable {
        public var openOnly = false
        public var owner: String?
        public var customerID: String?
        public var action: String?
        public init(openOnly: Bool = false, owner: String? = nil, customerID: String? = nil, action: String? = nil) {
            self.openOnly = openOnly
            self.owner = owner
            self.customerID = customerID
            self.action = action
        }
    }

    /// Tasks by due date (undated last), then id.
    public func tasks(matching filter: TaskFilter = TaskFilter()) throws -> [CustomerTask] {
        try tasks(filter, id: nil)
    }

    public func task(id: Int64) throws -> CustomerTask? {
        try tasks(TaskFilter(), id: id).first
    }

    private func tasks(_ filter: TaskFilter, id: Int64?) throws -> [CustomerTask] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT t.id, c.id, t.action, t.title, t.body, t.owner, t.priority, t.due_date, t.status, t.created_at, t.done_at, t.note
                    FROM tasks t JOIN customers c ON c.pk = t.customer_pk
                    WHERE (? = 0 OR t.status = 'open') AND (? IS NULL OR t.owner = ?) AND (? IS NULL OR c.pk = ?) AND (? IS NULL OR t.action = ?)
                      AND (? IS NULL OR t.id = ?)
                    ORDER BY t.due_date IS NULL, t.due_date, t.id
                    """,
                arguments: [
                    filter.openOnly, filter.owner, filter.owner, try RowKeys.key(db, id: filter.customerID), try RowKeys.key(db, id: filter.customerID), filter.action, filter.action, id, id,
                ]
            ).map(Self.task)
        }
    }

    /// Marks a task done (with an optional note) or open again; nil when there is no such task.
    public func setTask(id: Int64, done: Bool, note: String?, at instant: Timestamp) throws -> CustomerTask? {
        try write { db in
            try db.execute(
                sql: "UPDATE tasks SET status = ?, done_at = ?, note = coalesce(?, note) WHERE id = ?",
                arguments: [done ? "done" : "open", done ? instant.microsecondsSinceEpoch : nil, note, id])
            return db.changesCount
        } > 0 ? try task(id: id) : nil
    }

    private static func task(_ row: Row) -> CustomerTask {
        CustomerTask(
            id: row[0], customerID: row[1], action: row[2], title: row[3], body: row[4], owner: row[5], priority: row[6],
            dueDate: row[7], status: CustomerTask.Status(rawValue: row[8]) ?? .open, createdAt: Timestamp(microsecondsSinceEpoch: row[9]),
            doneAt: (row[10] as Int64?).map(Timestamp.init(microsecondsSinceEpoch:)), note: row[11])
    }

    /// A customer's tags, alphabetically.
    public func tags(customerID: String) throws -> [String] {
        try read { db in
            try String.fetchAll(
                db, sql: "SELECT t.tag FROM customer_tags t JOIN customers c ON c.pk = t.customer_pk WHERE c.pk = ? ORDER BY t.tag",
                arguments: [try RowKeys.key(db, id: customerID)])
        }
    }

    /// The ids of the customers with this tag.
    public func customerIDs(tagged tag: String) throws -> [String] {
        try read { db in
            try String.fetchAll(
                db, sql: "SELECT c.id FROM customer_tags t JOIN customers c ON c.pk = t.customer_pk WHERE t.tag = ?", arguments: [tag])
        }
    }

    /// Outbox messages, oldest first, optionally of one status or customer.
    public func outbox(status: OutboxMessage.Status? = nil, customerID: String? = nil, limit: Int? = nil) throws -> [OutboxMessage] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(OutboxStore.columns) FROM outbox o JOIN customers c ON c.pk = o.customer_pk
                    WHERE (? IS NULL OR o.status = ?) AND (? IS NULL OR c.pk = ?) ORDER BY o.id LIMIT ?
                    """,
                arguments: [status?.rawValue, status?.rawValue, try RowKeys.key(db, id: customerID), try RowKeys.key(db, id: customerID), limit ?? -1]
            ).map(OutboxStore.message)
        }
    }

    /// Makes a failed or dead message pending again, with its attempts reset; false when there is none.
    public func retryMessage(id: Int64) throws -> OutboxMessage.Status? {
        try write { db in
            guard let status = try String.fetchOne(db, sql: "SELECT status FROM outbox WHERE id = ?", arguments: [id]) else { return nil }
            guard status == "failed" || status == "dead" else {
                throw CRMError.invalidArgument("message \(id) is \(status); only failed or dead messages can be retried")
            }
            try db.execute(
                sql: "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = NULL, note = 'retried by hand' WHERE id = ?",
                arguments: [id])
            return OutboxMessage.Status(rawValue: status)
        }
    }

    public func outboxSettings() throws -> OutboxSettings {
        try read { db in try OutboxStore.settings(db) }
    }

    public func saveOutboxSettings(_ settings: OutboxSettings) throws {
        try write { db in try OutboxStore.save(db, settings) }
    }

    /// Blocks (with a reason) or allows one channel of a customer; false for an unknown customer.
    @discardableResult
    public func setContact(customerID: String, channel: String, blockedReason: String?, at instant: Timestamp) throws -> Bool {
        try write { db in
            guard let pk = try RowKeys.pk(db, id: customerID) else { return false }
            try OutboxStore.setBlock(db, customerPK: pk, channel: channel, reason: blockedReason, at: instant)
            return true
        }
    }

    /// Every customer id, for checking files that refer to customers.
    public func customerIDs() throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT id FROM customers") }
    }

    /// Applies do-not-contact changes in one transaction (a nil reason allows the channel again).
    func setContacts(_ changes: [(customerID: String, channel: String, reason: String?, at: Timestamp)]) throws {
        try write { db in
            for change in changes {
                guard let pk = try RowKeys.pk(db, id: change.customerID) else {
                    throw CRMError.notFound("no customer with id \"\(change.customerID)\"")
                }
                try OutboxStore.setBlock(db, customerPK: pk, channel: change.channel, reason: change.reason, at: change.at)
            }
        }
    }

    /// A customer's do-not-contact records: channel, reason, since when.
    public func contactBlocks(customerID: String) throws -> [(channel: String, reason: String, since: Timestamp)] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT b.channel, b.reason, b.blocked_at FROM contact_blocks b JOIN customers c ON c.pk = b.customer_pk
                    WHERE c.pk = ? ORDER BY b.channel
                    """,
                arguments: [try RowKeys.key(db, id: customerID)]
            ).map { ($0[0], $0[1], Timestamp(microsecondsSinceEpoch: $0[2])) }
        }
    }
}

extension OutboxStore {
    static func setBlock(_ db: Database, customerPK: Int64, channel: String, reason: String?, at instant: Timestamp) throws {
        if let reason {
            try db.execute(
                sql: """
                    INSERT INTO contact_blocks(customer_pk, channel, reason, blocked_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT(customer_pk, channel) DO UPDATE SET reason = excluded.reason, blocked_at = excluded.blocked_at
                    """,
                arguments: [customerPK, channel, reason, instant.microsecondsSinceEpoch])
        } else {
            try db.execute(sql: "DELETE FROM contact_blocks WHERE customer_pk = ? AND channel = ?", arguments: [customerPK, channel])
        }
    }
}
