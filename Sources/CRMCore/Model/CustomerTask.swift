/// A task for a salesperson, created by a follow-up action (e.g. "call back: at risk").
public struct CustomerTask: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable {
        case open, done
    }

    public var id: Int64
    public var customerID: String
    public var action: String?
    public var title: String
    public var body: String?
    public var owner: String?
    public var priority: String
    /// The UTC date it is due, `YYYY-MM-DD`.
    public var dueDate: String?
    public var status: Status
    public var createdAt: Timestamp
    public var doneAt: Timestamp?
    public var note: String?
}
