/// A customer's value of one plugin score and why.
public struct ScoreValue: Sendable, Equatable, Codable {
    public var score: String
    public var customerID: String
    public var value: Double
    public var explanation: String?
    public var asOf: Timestamp
}
