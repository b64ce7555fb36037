import GRDB

/// The rows a follow-up run (or a job's `apply`) writes, 100 per statement through
/// `BatchedInsert`: `follow_ups`, tasks, tags and outbox messages. Rows keep their order, so
/// they get the ids one-row inserts would have given.
///
/// A `follow_ups` row gets its id when it is recorded (the next after the largest, as SQLite
/// would assign it), so tasks, tags and messages can refer to it before it is written; its
/// buffer is always written before theirs (the references are checked foreign keys). Whoever
/// reads these tables after writing calls `flush()` first; removing a tag flushes the added
/// ones, so an add and a removal apply in the order they were asked for.
final class FollowUpWrites {
    private let db: Database
    private var nextFollowUpID: Int64
    private let followUps: BatchedInsert
    private let tasks: BatchedInsert
    private let tags: BatchedInsert
    private let outbox: BatchedInsert
    /// Whether any customer has a do-not-contact record (nothing here writes them); without
    /// one, a message needs no lookup.
    private let anyBlocks: Bool

    init(_ db: Database) throws {
        self.db = db
        anyBlocks = try OutboxStore.anyBlocks(db)
        nextFollowUpID = (try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM follow_ups") ?? 0) + 1
        followUps = BatchedInsert(
            db, prefix: "INSERT INTO follow_ups(id, action, plugin, customer_pk, transition_id, trigger, run_id, as_of, outcome, detail) VALUES",
            width: 10)
        tasks = BatchedInsert(
            db, prefix: "INSERT INTO tasks(follow_up_id, customer_pk, action, title, body, owner, priority, due_date, created_at) VALUES",
            width: 9)
        tags = BatchedInsert(
            db, prefix: "INSERT INTO customer_tags(customer_pk, tag, added_at, follow_up_id) VALUES", width: 4,
            suffix: "ON CONFLICT DO NOTHING")
        outbox = BatchedInsert(
            db,
            prefix: """
                INSERT INTO outbox(key, follow_up_id, customer_pk, action, channel, template, data, transactional, cap_day, cap_week,
                                   status, note, created_at) VALUES
                """,
            width: 13, suffix: "ON CONFLICT(key) DO NOTHING")
    }

    /// Records an event's outcome; for a retry, updates the failed row. Returns the row id.
    func record(
        event: FollowUpEvent, action: String, plugin: String, trigger: String, runID: Int64, asOf: Timestamp, outcome: String, detail: String?
    ) throws -> Int64 {
        if let retry = event.retryOf {
            try db.cachedStatement(
                sql: "UPDATE follow_ups SET outcome = ?, detail = ?, run_id = ?, as_of = ?, attempts = attempts + 1 WHERE id = ?"
            ).execute(arguments: [outcome, detail, runID, asOf.microsecondsSinceEpoch, retry])
            return retry
        }
        let id = nextFollowUpID
        nextFollowUpID += 1
        followUps.add(id)
        followUps.add(action)
        followUps.add(plugin)
        followUps.add(event.customerPK)
        followUps.add(event.transitionID)
        followUps.add(trigger)
        followUps.add(runID)
        followUps.add(asOf.microsecondsSinceEpoch)
        followUps.add(outcome)
        followUps.add(detail)
        try followUps.endRow()
        return id
    }

    func addTask(followUp: Int64?, customerPK: Int64, action: String, task: Effect.TaskRequest, createdAt: Timestamp) throws {
        try referring(from: tasks)
        tasks.add(followUp)
        tasks.add(customerPK)
        tasks.add(action)
        tasks.add(task.title)
        tasks.add(task.body)
        tasks.add(task.owner)
        tasks.add(task.priority)
        tasks.add(task.due?.iso8601)
        tasks.add(createdAt.microsecondsSinceEpoch)
        try tasks.endRow()
    }

    func tag(customerPK: Int64, tag: String, add: Bool, followUp: Int64?, at instant: Timestamp) throws {
        guard add else {
            try followUps.flush()
            try tags.flush()
            try FollowUpStore.tag(db, customerPK: customerPK, tag: tag, add: false, followUp: followUp, at: instant)
            return
        }
        try referring(from: tags)
        tags.add(customerPK)
        tags.add(tag)
        tags.add(instant.microsecondsSinceEpoch)
        tags.add(followUp)
        try tags.endRow()
    }

    /// Adds a message; one blocked for its channel is kept as suppressed with the reason.
    func addMessage(
        key: String, followUp: Int64?, customerPK: Int64, action: String, channel: String, template: String, data: String,
        transactional: Bool, caps: MessageCaps, createdAt: Timestamp
    ) throws -> OutboxMessage.Status {
        let blocked = anyBlocks ? try OutboxStore.block(db, customerPK: customerPK, channel: channel) : nil
        let status: OutboxMessage.Status = blocked == nil ? .pending : .suppressed
        try referring(from: outbox)
        outbox.add(key)
        outbox.add(followUp)
        outbox.add(customerPK)
        outbox.add(action)
        outbox.add(channel)
        outbox.add(template)
        outbox.add(data)
        outbox.add(transactional ? 1 : 0)
        outbox.add(caps.perDay.map(Int64.init))
        outbox.add(caps.perWeek.map(Int64.init))
        outbox.add(status.rawValue)
        outbox.add(blocked.map { "suppressed: \(channel) blocked (\($0))" })
        outbox.add(createdAt.microsecondsSinceEpoch)
        try outbox.endRow()
        return status
    }

    /// Writes every buffered row, the `follow_ups` rows first.
    func flush() throws {
        try followUps.flush()
        try tasks.flush()
        try tags.flush()
        try outbox.flush()
    }

    /// Before a row that refers to a `follow_ups` row fills its statement (which writes it),
    /// the `follow_ups` rows are written.
    private func referring(from insert: BatchedInsert) throws {
        if insert.isOneRowFromFull { try followUps.flush() }
    }
}

extension BatchedInsert {
    fileprivate func add(_ value: Int64?) {
        if let value { add(value) } else { addNull() }
    }
}
