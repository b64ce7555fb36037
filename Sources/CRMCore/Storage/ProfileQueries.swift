import GRDB

/// The scans a profile build needs: customers, orders and interactions, each in customer-key
/// order, so the builder merges them in one pass without per-customer queries.
struct ProfileQueries {
    let db: Database
    let asOf: Timestamp

    struct CustomerRow {
        let pk: Int64
        let id: String
        let city, industry, companySize, gender, occupation, birthDate: String?
        let createdAt: Int64?
    }

    struct OrderRow {
        let customerPK: Int64
        let orderedAt: Int64
        let amount: Int64
        let quantity: Int64?
        let category: String?
    }

    struct InteractionRow {
        let customerPK: Int64
        /// Index of the kind in the list the scan was given; -1 for any other kind.
        let kind: Int
        let occurredAt: Int64
    }

    /// A scan over one query's rows, decoded by `decode` straight from SQLite's C API.
    final class Scan<Element> {
        private let statement: RawStatement
        private let decode: (RawStatement) -> Element

        init(_ statement: RawStatement, decode: @escaping (RawStatement) -> Element) {
            self.statement = statement
            self.decode = decode
        }

        func next() throws -> Element? {
            try statement.step() ? decode(statement) : nil
        }
    }

    func customers() throws -> Scan<CustomerRow> {
        let statement = try RawStatement(
            db,
            sql: """
                SELECT pk, id, city, industry, company_size, gender, occupation, birth_date, created_at
                FROM customers WHERE created_at IS NULL OR created_at <= ? ORDER BY pk
                """)
        statement.bind(1, asOf.microsecondsSinceEpoch)
        return Scan(statement) { row in
            CustomerRow(
                pk: row.int64(0), id: row.text(1) ?? "", city: row.text(2), industry: row.text(3), companySize: row.text(4),
                gender: row.text(5), occupation: row.text(6), birthDate: row.text(7), createdAt: row.optionalInt64(8))
        }
    }

    func orders() throws -> Scan<OrderRow> {
        let statement = try RawStatement(
            db,
            sql: """
                SELECT customer_pk, ordered_at, amount, quantity, category FROM orders
                WHERE ordered_at <= ? ORDER BY customer_pk, ordered_at
                """)
        statement.bind(1, asOf.microsecondsSinceEpoch)
        return Scan(statement) { row in
            OrderRow(
                customerPK: row.int64(0), orderedAt: row.int64(1), amount: row.int64(2), quantity: row.optionalInt64(3),
                category: row.text(4))
        }
    }

    /// Interactions by customer, with the kind as its index in `kinds` (compared as bytes, so
    /// no string is made per row).
    func interactions(kinds: [String]) throws -> Scan<InteractionRow> {
        let statement = try RawStatement(
            db,
            sql: """
                SELECT customer_pk, kind, occurred_at FROM interactions
                WHERE occurred_at <= ? ORDER BY customer_pk
                """)
        statement.bind(1, asOf.microsecondsSinceEpoch)
        let candidates = kinds.map { Array($0.utf8) }
        return Scan(statement) { row in
            InteractionRow(customerPK: row.int64(0), kind: row.textIndex(1, in: candidates), occurredAt: row.int64(2))
        }
    }
}

extension CRMDatabase {
    /// Every customer's profile as of `asOf`, built in one pass over the data, with the
    /// custom `fields` (stored value, else the field's default).
    public func profiles(
        asOf: Timestamp, fields: [CustomField] = [], interactionKinds: [String] = InteractionKind.builtIn
    ) throws -> ProfileTable {
        let scale = try currency().scale
        return try read { db in
            var table = try ProfileBuilder(asOf: asOf, currencyScale: scale, interactionKinds: interactionKinds)
                .build(from: ProfileQueries(db: db, asOf: asOf))
            let stored = try FieldStore.values(db, fields: fields.map(\.name))
            let rows = table.indexByKey()
            for field in fields {
                let fallback = field.definition.defaultValue?.profileValue ?? .missing
                var values = [ProfileValue](repeating: fallback, count: table.count)
                for (pk, json) in stored[field.name] ?? [:] {
                    guard let row = rows[pk] else { continue }
                    values[row] = FieldValue.decode(json: json, as: field.definition.type)?.profileValue ?? .missing
                }
                table.setCustomField(field.name, values: values)
            }
            return table
        }
    }
}
