import GRDB
import Foundation

extension CRMDatabase {
    /// The customer with this id, or nil.
    public func customer(id: String) throws -> Customer? {
        try read { db in
            guard let pk = try RowKeys.pk(db, id: id),
                  let row = try Row.fetchOne(db, sql: "SELECT * FROM customers WHERE pk = ?", arguments: [pk]) else {
                return nil
            }
            return Self.customer(from: row)
        }
    }

    static func customer(from row: Row) -> Customer {
        var customer = Customer(id: row["id"])
        customer.name = row["name"]
        customer.email = row["email"]
        customer.phone = row["phone"]
        customer.gender = row["gender"]
        customer.birthDate = row["birth_date"]
        customer.city = row["city"]
        customer.industry = row["industry"]
        customer.companySize = row["company_size"]
        customer.occupation = row["occupation"]
        customer.createdAt = (row["created_at"] as Int64?).map(Timestamp.init(microsecondsSinceEpoch:))
        return customer
    }

    /// Orders and interactions of the customer with this id, summarised.
    public func activity(customerID: String) throws -> CustomerActivity? {
        try read { db in
            guard let pk = try RowKeys.pk(db, id: customerID)
            else { return nil }
            let orders = try Row.fetchOne(
                db,
                sql: """
                    SELECT count(*) FILTER (WHERE amount >= 0), min(ordered_at) FILTER (WHERE amount >= 0),
                           max(ordered_at) FILTER (WHERE amount >= 0), coalesce(sum(amount), 0)
                    FROM orders WHERE customer_pk = ?
                    """,
                arguments: [pk])
            let categories = try String.fetchAll(
                db,
                sql: """
                    SELECT category FROM orders WHERE customer_pk = ? AND category IS NOT NULL AND amount >= 0
                    GROUP BY category ORDER BY count(*) DESC, category LIMIT 3
                    """,
                arguments: [pk])
            var interactions: [String: Int] = [:]
            let kinds = try Row.fetchAll(
                db, sql: "SELECT kind, count(*) FROM interactions WHERE customer_pk = ? GROUP BY kind", arguments: [pk])
            for row in kinds { interactions[row[0]] = row[1] }
            let lastInteraction = try Int64.fetchOne(
                db, sql: "SELECT max(occurred_at) FROM interactions WHERE customer_pk = ?", arguments: [pk])
            return CustomerActivity(
                orderCount: orders?[0] ?? 0,
                firstOrderAt: (orders?[1] as Int64?).map(Timestamp.init(microsecondsSinceEpoch:)),
                lastOrderAt: (orders?[2] as Int64?).map(Timestamp.init(microsecondsSinceEpoch:)),
                monetary: orders?[3] ?? 0,
                topCategories: categories,
                interactions: interactions,
                lastInteractionAt: lastInteraction.map(Timestamp.init(microsecondsSinceEpoch:)))
        }
    }

    /// How many records of each kind the database holds.
    public func counts() throws -> [RecordKind: Int] {
        try read { db in
            var counts: [RecordKind: Int] = [:]
            for kind in RecordKind.allCases { counts[kind] = try ImportStore.count(db, table: kind.table) }
            return counts
        }
    }
}

/// The error for a customer id that is not in the database, with a "did you mean" when the id
/// differs from a known one only by case, surrounding spaces or leading zeros.
enum CustomerQueries {
    static func unknownCustomer(_ db: Database, _ id: String) throws -> CRMError {
        let trimmed = id.trimmingCharacters(in: .whitespaces)
        let unpadded = String(trimmed.drop { $0 == "0" })
        let similar = try String.fetchOne(
            db,
            sql: """
                SELECT id FROM customers WHERE id IN (?, ?) OR id = ? COLLATE NOCASE
                   OR (? <> '' AND ltrim(id, '0') = ? AND id GLOB '0*') LIMIT 1
                """,
            arguments: [trimmed, unpadded, trimmed, unpadded, unpadded])
        return .notFound("no customer with id \"\(id)\"" + (similar.map { "; did you mean \"\($0)\"?" } ?? ""))
    }
}

extension CRMDatabase {
    /// The error for an unknown customer id, with a close id if there is one.
    public func unknownCustomer(_ id: String) throws -> CRMError {
        try read { db in try CustomerQueries.unknownCustomer(db, id) }
    }
}
