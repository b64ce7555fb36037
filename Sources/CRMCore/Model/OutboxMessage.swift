/// A message an action put into the outbox, and where it is on its way to the customer.
public struct OutboxMessage: Sendable, Equatable, Codable {
    /// Where a message is: waiting, claimed by a sender, delivered, waiting to retry, given up,
    /// or stopped by a do-not-contact record or a frequency cap.
    public enum Status: String, Sendable, Codable, CaseIterable {
        case pending, sending, sent, failed, dead, suppressed, capped
    }

    public var id: Int64
    /// The idempotency key every delivery carries, so a receiver can drop repeats.
    public var key: String
    public var customerID: String
    public var action: String?
    public var channel: String
    public var template: String
    /// The data table as JSON text.
    public var data: String
    public var transactional: Bool
    public var status: Status
    public var attempts: Int
    public var nextAttemptAt: Timestamp?
    public var lastError: String?
    /// Why a message is suppressed, capped or held.
    public var note: String?
    public var createdAt: Timestamp
    public var sentAt: Timestamp?
}
