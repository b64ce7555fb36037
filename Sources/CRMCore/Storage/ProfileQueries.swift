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
        let orderedAt: Int64
        let amount: Int64
        let quantity: Int64?
        /// Index of the category in the scan's `categories`, or -1 for none.
        let category: Int32
    }

    /// A customer with their orders and interactions up to as-of, from the activity digests.
    /// One value is refilled for every customer, so the scan allocates no arrays per customer.
    struct ActivityRow {
        var customer = CustomerRow(
            pk: 0, id: "", city: nil, industry: nil, companySize: nil, gender: nil, occupation: nil, birthDate: nil, createdAt: nil)
        var orders: [OrderRow] = []
        /// Time and index of the kind in the scan's `kinds` (-1 for another kind).
        var interactions: [(time: Int64, kind: Int)] = []
    }

    /// Every customer created by as-of, in key order, with their digests decoded: one row per
    /// customer, however many orders they have.
    final class ActivityScan {
        private let statement: RawStatement
        private let limit: Int64
        private let kindOfLabel: [Int]
        private let categoryOfLabel: [Int32]
        /// Category names, by the code `OrderRow.category` holds.
        let categories: [String]
        /// At least as many as the scan returns (the largest customer key).
        let expectedCustomers: Int

        fileprivate init(_ db: Database, asOf: Timestamp, kinds: [String]) throws {
            let labels = try ActivityStore.labels(db)
            let size = Int(labels.keys.max() ?? 0) + 1
            let kindIndex = Dictionary(uniqueKeysWithValues: kinds.enumerated().map { ($1, $0) })
            var kindOfLabel = [Int](repeating: -1, count: size)
            var categoryOfLabel = [Int32](repeating: -1, count: size)
            var categories: [String] = []
            for (label, text) in labels.sorted(by: { $0.key < $1.key }) where label >= 0 {
                kindOfLabel[Int(label)] = kindIndex[text] ?? -1
                categoryOfLabel[Int(label)] = Int32(categories.count)
                categories.append(text)
            }
            self.kindOfLabel = kindOfLabel
            self.categoryOfLabel = categoryOfLabel
            self.categories = categories
            limit = asOf.microsecondsSinceEpoch
            expectedCustomers = try Int.fetchOne(db, sql: "SELECT count(*) FROM customers") ?? 0
            statement = try RawStatement(
                db,
                sql: """
                    SELECT c.pk, c.id, c.city, c.industry, c.company_size, c.gender, c.occupation, c.birth_date, c.created_at,
                           a.orders, a.interactions
                    FROM customers c LEFT JOIN customer_activity a ON a.customer_pk = c.pk
                    WHERE c.created_at IS NULL OR c.created_at <= ? ORDER BY c.pk
                    """)
            statement.bind(1, limit)
        }

        /// Refills `row` with the next customer; false when there are no more.
        func next(into row: inout ActivityRow) throws -> Bool {
            guard try statement.step() else { return false }
            let limit = limit
            row.orders.removeAll(keepingCapacity: true)
            ActivityDigest.forEachOrder(statement.blob(9)) { entry in
                guard entry.time <= limit else { return }
                row.orders.append(OrderRow(
                    orderedAt: entry.time, amount: entry.amount, quantity: entry.quantity < 0 ? nil : Int64(entry.quantity),
                    category: code(entry.category, in: categoryOfLabel)))
            }
            row.interactions.removeAll(keepingCapacity: true)
            ActivityDigest.forEachInteraction(statement.blob(10)) { entry in
                guard entry.time <= limit else { return }
                row.interactions.append((entry.time, Int(code(entry.kind, in: kindOfLabel))))
            }
            row.customer = CustomerRow(
                pk: statement.int64(0), id: statement.text(1) ?? "", city: statement.text(2), industry: statement.text(3),
                companySize: statement.text(4), gender: statement.text(5), occupation: statement.text(6),
                birthDate: statement.text(7), createdAt: statement.optionalInt64(8))
            return true
        }

        private func code<Code: BinaryInteger>(_ label: Int32, in codes: [Code]) -> Code {
            label >= 0 && Int(label) < codes.count ? codes[Int(label)] : -1
        }
    }

    func activity(kinds: [String]) throws -> ActivityScan {
        try ActivityScan(db, asOf: asOf, kinds: kinds)
    }
}

extension CRMDatabase {
    /// Every customer's profile as of `asOf`, built in one pass over the data, with the
    /// custom `fields` (stored value, else the field's default) and the windows of `shape`,
    /// calendar days counted in the database's business time zone.
    public func profiles(asOf: Timestamp, fields: [CustomField] = [], shape: ProfileShape = .standard) throws -> ProfileTable {
        let scale = try currency().scale
        let zone = try businessTimeZone()
        return try read { db in
            var table = try ProfileBuilder(asOf: asOf, currencyScale: scale, shape: shape, timeZone: zone)
                .build(from: ProfileQueries(db: db, asOf: asOf))
            // Stored values arrive in customer-key order, as the table's rows are.
            var columns = fields.map { field in
                ProfileColumn(repeating: field.definition.defaultValue?.profileValue ?? .missing, count: table.count)
            }
            var rows = KeyedRows(table.pks)
            try FieldStore.forEachValue(db, fields: fields.map(\.name)) { pk, field, json in
                guard let row = rows.row(of: pk) else { return }
                columns[field][row] = FieldValue.decode(json: json, as: fields[field].definition.type)?.profileValue ?? .missing
            }
            for (field, values) in zip(fields, columns) { table.setCustomField(field.name, values: values) }
            return table
        }
    }
}
