import GRDB

/// The scan a profile build needs: every customer with their activity digests (orders and
/// interactions kept current by each import), one row per customer.
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

    /// A customer with their orders and interactions up to as-of, from the activity digests.
    struct ActivityRow {
        let customer: CustomerRow
        let orders: [OrderRow]
        /// Time and index of the kind in the scan's `kinds` (-1 for another kind).
        let interactions: [(time: Int64, kind: Int)]
    }

    /// Every customer created by as-of, in key order, with their digests decoded: one row per
    /// customer, however many orders they have.
    func activity(kinds: [String]) throws -> Scan<ActivityRow> {
        let labels = try ActivityStore.labels(db)
        let kindIndex = Dictionary(uniqueKeysWithValues: kinds.enumerated().map { ($1, $0) })
        let labelKinds = labels.mapValues { kindIndex[$0] ?? -1 }
        let limit = asOf.microsecondsSinceEpoch
        let statement = try RawStatement(
            db,
            sql: """
                SELECT c.pk, c.id, c.city, c.industry, c.company_size, c.gender, c.occupation, c.birth_date, c.created_at,
                       a.orders, a.interactions
                FROM customers c LEFT JOIN customer_activity a ON a.customer_pk = c.pk
                WHERE c.created_at IS NULL OR c.created_at <= ? ORDER BY c.pk
                """)
        statement.bind(1, limit)
        return Scan(statement) { row in
            let pk = row.int64(0)
            var orders: [OrderRow] = []
            ActivityDigest.forEachOrder(row.blob(9)) { entry in
                guard entry.time <= limit else { return }
                orders.append(OrderRow(
                    customerPK: pk, orderedAt: entry.time, amount: entry.amount,
                    quantity: entry.quantity < 0 ? nil : Int64(entry.quantity), category: labels[entry.category]))
            }
            var interactions: [(time: Int64, kind: Int)] = []
            ActivityDigest.forEachInteraction(row.blob(10)) { entry in
                guard entry.time <= limit else { return }
                interactions.append((entry.time, labelKinds[entry.kind] ?? -1))
            }
            let customer = CustomerRow(
                pk: pk, id: row.text(1) ?? "", city: row.text(2), industry: row.text(3), companySize: row.text(4),
                gender: row.text(5), occupation: row.text(6), birthDate: row.text(7), createdAt: row.optionalInt64(8))
            return ActivityRow(customer: customer, orders: orders, interactions: interactions)
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
            // Stored values arrive in customer-key order, as the table's rows are.
            var columns = fields.map { field in
                [ProfileValue](repeating: field.definition.defaultValue?.profileValue ?? .missing, count: table.count)
            }
            var row = 0
            try FieldStore.forEachValue(db, fields: fields.map(\.name)) { pk, field, json in
                while row < table.count && table.pks[row] < pk { row += 1 }
                guard row < table.count, table.pks[row] == pk else { return }
                columns[field][row] = FieldValue.decode(json: json, as: fields[field].definition.type)?.profileValue ?? .missing
            }
            for (field, values) in zip(fields, columns) { table.setCustomField(field.name, values: values) }
            return table
        }
    }
}
