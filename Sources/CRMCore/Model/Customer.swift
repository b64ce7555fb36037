/// A customer's static attributes, as imported.
public struct Customer: Sendable, Equatable, Codable {
    /// The customer's own id (customer number).
    public var id: String
    public var name: String?
    public var email: String?
    public var phone: String?
    public var gender: String?
    /// As written in the import: usually `YYYY-MM-DD`, but kept verbatim when it is not a date.
    public var birthDate: String?
    public var city: String?
    public var industry: String?
    public var companySize: String?
    public var occupation: String?
    public var createdAt: Timestamp?

    public init(id: String) {
        self.id = id
    }
}

/// What a customer bought and how they interacted, summarised for `crm customer show`.
public struct CustomerActivity: Sendable, Equatable, Codable {
    public var orderCount: Int
    public var firstOrderAt: Timestamp?
    public var lastOrderAt: Timestamp?
    /// Sum of order amounts, in minor units of the database currency.
    public var monetary: Int64
    /// Categories by number of orders, most frequent first.
    public var topCategories: [String]
    /// Interaction count per kind.
    public var interactions: [String: Int]
    public var lastInteractionAt: Timestamp?
}
