import GRDB

/// One order of a customer, as `crm customer orders` lists it.
public struct OrderRecord: Sendable, Equatable {
    public var id: String
    public var orderedAt: Timestamp
    public var product: String?
    public var category: String?
    public var quantity: Int64?
    /// Minor units of the database currency.
    public var unitPrice: Int64?
    public var amount: Int64
}

/// One interaction of a customer.
public struct InteractionRecord: Sendable, Equatable {
    public var id: String
    public var kind: String
    public var occurredAt: Timestamp
}

extension CRMDatabase {
    /// A customer's orders, newest first (at most `limit`); nil for an unknown customer.
    public func orders(customerID: String, limit: Int? = nil) throws -> [OrderRecord]? {
        try read { db in
            guard let pk = try RowKeys.pk(db, id: customerID) else { return nil }
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT id, ordered_at, product, category, quantity, unit_price, amount FROM orders
                    WHERE customer_pk = ? ORDER BY ordered_at DESC, id DESC LIMIT ?
                    """,
                arguments: [pk, limit ?? -1]
            ).map { row in
                OrderRecord(
                    id: row[0], orderedAt: Timestamp(microsecondsSinceEpoch: row[1]), product: row[2], category: row[3], quantity: row[4],
                    unitPrice: row[5], amount: row[6])
            }
        }
    }

    /// A customer's interactions, newest first (at most `limit`); nil for an unknown customer.
    public func interactions(customerID: String, limit: Int? = nil) throws -> [InteractionRecord]? {
        try read { db in
            guard let pk = try RowKeys.pk(db, id: customerID) else { return nil }
            return try Row.fetchAll(
                db,
                sql: "SELECT id, kind, occurred_at FROM interactions WHERE customer_pk = ? ORDER BY occurred_at DESC, id DESC LIMIT ?",
                arguments: [pk, limit ?? -1]
            ).map { InteractionRecord(id: $0[0], kind: $0[1], occurredAt: Timestamp(microsecondsSinceEpoch: $0[2])) }
        }
    }
}
