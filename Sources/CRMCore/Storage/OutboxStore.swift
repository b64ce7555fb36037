import GRDB

/// A message claimed for delivery, with what an adapter needs to reach the customer.
public struct OutboxDelivery: Sendable {
    public var message: OutboxMessage
    public var customerName: String?
    public var email: String?
    public var phone: String?
}

/// Writes and reads the outbox, do-not-contact records and outbox settings.
enum OutboxStore {
    static let columns = """
        o.id, o.key, c.id, o.action, o.channel, o.template, o.data, o.transactional, o.status, o.attempts,
        o.next_attempt_at, o.last_error, o.note, o.created_at, o.sent_at, c.name, c.email, c.phone
        """

    static func message(_ row: Row) -> OutboxMessage {
        OutboxMessage(
            id: row[0], key: row[1], customerID: row[2], action: row[3], channel: row[4], template: row[5], data: row[6],
            transactional: row[7], status: OutboxMessage.Status(rawValue: row[8]) ?? .pending, attempts: row[9],
            nextAttemptAt: (row[10] as Int64?).map(Timestamp.init(microsecondsSinceEpoch:)), lastError: row[11], note: row[12],
            createdAt: Timestamp(microsecondsSinceEpoch: row[13]), sentAt: (row[14] as Int64?).map(Timestamp.init(microsecondsSinceEpoch:)))
    }

    /// Whether there is any do-not-contact record.
    static func anyBlocks(_ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM contact_blocks)") ?? false
    }

    /// The do-not-contact reason for a customer's channel, if any.
    static func block(_ db: Database, customerPK: Int64, channel: String) throws -> String? {
        try String.fetchOne(
            db.cachedStatement(sql: "SELECT reason FROM contact_blocks WHERE customer_pk = ? AND channel = ?"), arguments: [customerPK, channel])
    }

    /// Claims up to `limit` messages due at `now` for `owner` until `leaseEnds`, applying the
    /// contact blocks, quiet hours and frequency caps on the way (in this one write transaction,
    /// so two senders count each other's claims). Returns the claimed messages and how many
    /// were suppressed, capped or held.
    static func claim(
        _ db: Database, now: Timestamp, limit: Int, owner: String, leaseEnds: Timestamp, settings: OutboxSettings
    ) throws -> (claimed: [OutboxDelivery], suppressed: Int, capped: Int, held: Int) {
        let candidates = try Row.fetchAll(
            db,
            sql: """
                SELECT \(columns), o.customer_pk, o.cap_day, o.cap_week FROM outbox o JOIN customers c ON c.pk = o.customer_pk
                WHERE (o.status IN ('pending', 'failed') AND coalesce(o.next_attempt_at, 0) <= ?)
                   OR (o.status = 'sending' AND o.claim_expires < ?)
                ORDER BY o.id
                """,
            arguments: [now.microsecondsSinceEpoch, now.microsecondsSinceEpoch])
        var claimed: [OutboxDelivery] = []
        var suppressed = 0, capped = 0, held = 0
        let periods = settings.periodStarts(containing: now)
        for row in candidates where claimed.count < limit {
            let message = message(row)
            let pk: Int64 = row[18]
            if let reason = try block(db, customerPK: pk, channel: message.channel) {
                try setStatus(db, message.id, .suppressed, note: "suppressed: \(message.channel) blocked (\(reason))")
                suppressed += 1
                continue
            }
            if !message.transactional {
                if let end = settings.quietHoursEnd(after: now) {
                    try db.execute(
                        sql: "UPDATE outbox SET status = 'pending', next_attempt_at = ?, note = ? WHERE id = ?",
                        arguments: [
                            end.microsecondsSinceEpoch,
                            "held: quiet hours \(settings.quietHours?.description ?? "") \(settings.timeZone) until \(end.iso8601)", message.id,
                        ])
                    held += 1
                    continue
                }
                let caps = [(settings.dailyCap, row[19] as Int?, periods.day, "day"), (settings.weeklyCap, row[20] as Int?, periods.week, "week")]
                var over: String?
                for (database, asked, start, period) in caps {
                    guard let cap = [database, asked].compactMap({ $0 }).min() else { continue }
                    let count = try Int.fetchOne(
                        db.cachedStatement(
                            sql: """
                                SELECT count(*) FROM outbox WHERE customer_pk = ? AND channel = ? AND transactional = 0
                                  AND ((status = 'sent' AND sent_at >= ?) OR status = 'sending')
                                """),
                        arguments: [pk, message.channel, start.microsecondsSinceEpoch]) ?? 0
                    if count >= cap {
                        over = "capped: \(count) \(message.channel) messages this \(period) (\(settings.timeZone)), the cap is \(cap)"
                        break
                    }
                }
                if let over {
                    try setStatus(db, message.id, .capped, note: over)
                    capped += 1
                    continue
                }
            }
            try db.execute(
                sql: "UPDATE outbox SET status = 'sending', claimed_by = ?, claim_expires = ?, note = NULL WHERE id = ?",
                arguments: [owner, leaseEnds.microsecondsSinceEpoch, message.id])
            var delivery = OutboxDelivery(message: message, customerName: row[15], email: row[16], phone: row[17])
            delivery.message.status = .sending
            claimed.append(delivery)
        }
        return (claimed, suppressed, capped, held)
    }

    static func setStatus(_ db: Database, _ id: Int64, _ status: OutboxMessage.Status, note: String?) throws {
        try db.execute(sql: "UPDATE outbox SET status = ?, note = ?, claimed_by = NULL WHERE id = ?", arguments: [status.rawValue, note, id])
    }

    /// Marks a claimed message delivered; false when the claim was lost (it expired and another sender took it).
    static func markSent(_ db: Database, _ id: Int64, owner: String, at instant: Timestamp) throws -> Bool {
        try db.execute(
            sql: """
                UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL, claimed_by = NULL
                WHERE id = ? AND claimed_by = ? AND status = 'sending'
                """,
            arguments: [instant.microsecondsSinceEpoch, id, owner])
        return db.changesCount > 0
    }

    /// Records a failed delivery: retried after a doubling wait, dead after the last attempt.
    static func markFailed(_ db: Database, _ id: Int64, owner: String, error: String, now: Timestamp, settings: OutboxSettings) throws
        -> OutboxMessage.Status
    {
        let attempts = (try Int.fetchOne(db, sql: "SELECT attempts FROM outbox WHERE id = ?", arguments: [id]) ?? 0) + 1
        let status: OutboxMessage.Status = attempts >= settings.maxAttempts ? .dead : .failed
        let wait = Int64(settings.backoffSeconds) * (Int64(1) << Int64(min(attempts - 1, 20))) * 1_000_000
        try db.execute(
            sql: """
                UPDATE outbox SET status = ?, attempts = ?, last_error = ?, next_attempt_at = ?, claimed_by = NULL
                WHERE id = ? AND claimed_by = ?
                """,
            arguments: [status.rawValue, attempts, error, now.microsecondsSinceEpoch + wait, id, owner])
        return status
    }

    static func settings(_ db: Database) throws -> OutboxSettings {
        var settings = OutboxSettings.standard
        for row in try Row.fetchAll(db, sql: "SELECT key, value FROM settings WHERE key LIKE 'outbox.%' OR key = 'business_timezone'") {
            let key: String = row[0]
            let value: String = row[1]
            switch key {
            case "outbox.daily_cap": settings.dailyCap = Int(value)
            case "outbox.weekly_cap": settings.weeklyCap = Int(value)
            case "outbox.quiet_hours": settings.quietHours = try? OutboxSettings.QuietHours(parsing: value)
            case "business_timezone": settings.timeZone = value
            case "outbox.max_attempts": settings.maxAttempts = Int(value) ?? settings.maxAttempts
            case "outbox.backoff_seconds": settings.backoffSeconds = Int(value) ?? settings.backoffSeconds
            default: break
            }
        }
        return settings
    }

    static func save(_ db: Database, _ settings: OutboxSettings) throws {
        let values: [(String, String?)] = [
            ("outbox.daily_cap", settings.dailyCap.map(String.init)), ("outbox.weekly_cap", settings.weeklyCap.map(String.init)),
            ("outbox.quiet_hours", settings.quietHours?.description), ("business_timezone", settings.timeZone),
            ("outbox.max_attempts", String(settings.maxAttempts)), ("outbox.backoff_seconds", String(settings.backoffSeconds)),
        ]
        for (key, value) in values {
            if let value {
                try db.execute(
                    sql: "INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    arguments: [key, value])
            } else {
                try db.execute(sql: "DELETE FROM settings WHERE key = ?", arguments: [key])
            }
        }
    }
}
