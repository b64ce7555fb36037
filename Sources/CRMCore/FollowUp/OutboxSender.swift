import Foundation

/// Delivers due outbox messages through an adapter: claims a batch in one write transaction
/// (blocks, quiet hours and caps applied there), delivers each, and marks it sent only after
/// the adapter succeeded. A sender that dies leaves claims that expire, so a message is
/// delivered at least once; its key lets the receiver drop a repeat.
public struct OutboxSender {
    let database: CRMDatabase
    let adapter: OutboxAdapter
    /// How long a claim lasts before another sender may take the message.
    let claimSeconds: Int64 = 300

    public init(database: CRMDatabase, adapter: OutboxAdapter) {
        self.database = database
        self.adapter = adapter
    }

    /// What one `send` did.
    public struct Report: Sendable, Equatable {
        public var sent = 0
        public var failed = 0
        public var dead = 0
        public var suppressed = 0
        public var capped = 0
        public var held = 0
        /// The first errors, one per failed message: `message 3: the command exited with status 1`.
        public var errors: [String] = []
    }

    /// Sends up to `limit` due messages as of `now`.
    public func send(limit: Int = 1000, now: Timestamp = .now()) throws -> Report {
        let owner = "\(ProcessInfo.processInfo.hostName):\(getpid()):\(UUID().uuidString.prefix(8))"
        let settings = try database.outboxSettings()
        var report = Report()
        var remaining = limit
        while remaining > 0 {
            let batch = try database.write { db in
                try OutboxStore.claim(
                    db, now: now, limit: min(remaining, 100), owner: owner,
                    leaseEnds: Timestamp(microsecondsSinceEpoch: now.microsecondsSinceEpoch + claimSeconds * 1_000_000), settings: settings)
            }
            report.suppressed += batch.suppressed
            report.capped += batch.capped
            report.held += batch.held
            if batch.claimed.isEmpty { break }
            remaining -= batch.claimed.count
            for delivery in batch.claimed {
                do {
                    try adapter.deliver(Self.json(delivery))
                    if try database.write({ db in try OutboxStore.markSent(db, delivery.message.id, owner: owner, at: now) }) { report.sent += 1 }
                } catch let error as CRMError {
                    let status = try database.write { db in
                        try OutboxStore.markFailed(db, delivery.message.id, owner: owner, error: error.description, now: now, settings: settings)
                    }
                    if status == .dead { report.dead += 1 } else { report.failed += 1 }
                    if report.errors.count < 10 { report.errors.append("message \(delivery.message.id): \(error.description)") }
                }
            }
        }
        return report
    }

    /// The line a receiver gets: the message, its idempotency key and how to reach the customer.
    static func json(_ delivery: OutboxDelivery) -> String {
        let message = delivery.message
        func quoted(_ text: String?) -> String { text.map(FieldValue.quote) ?? "null" }
        return "{\"key\":\(quoted(message.key)),\"id\":\(message.id),\"channel\":\(quoted(message.channel)),"
            + "\"template\":\(quoted(message.template)),\"data\":\(message.data),\"action\":\(quoted(message.action)),"
            + "\"transactional\":\(message.transactional),\"attempt\":\(message.attempts + 1),\"created_at\":\(quoted(message.createdAt.iso8601)),"
            + "\"customer\":{\"id\":\(quoted(message.customerID)),\"name\":\(quoted(delivery.customerName)),"
            + "\"email\":\(quoted(delivery.email)),\"phone\":\(quoted(delivery.phone))}}"
    }
}
