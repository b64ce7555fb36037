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

    /// Consecutive customers of a scan with their orders and interactions, copied out of the
    /// refilled `ActivityRow`, to be built on another thread (`ProfileBuilder.build`).
    struct ActivityChunk {
        var customers: [CustomerRow] = []
        var orders: [OrderRow] = []
        var interactions: [(time: Int64, kind: Int)] = []
        /// Where each customer's orders and interactions end in `orders` and `interactions`.
        var ends: [(orders: Int, interactions: Int)] = []

        var count: Int { customers.count }

        mutating func add(_ row: ActivityRow) {
            customers.append(row.customer)
            orders += row.orders
            interactions += row.interactions
            ends.append((orders.count, interactions.count))
        }

        /// Calls `body` with each customer, their orders and their interactions.
        func forEach(_ body: (CustomerRow, ArraySlice<OrderRow>, ArraySlice<(time: Int64, kind: Int)>) -> Void) {
            var start = (orders: 0, interactions: 0)
            for (customer, end) in zip(customers, ends) {
                body(customer, orders[start.orders..<end.orders], interactions[start.interactions..<end.interactions])
                start = end
            }
        }
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
        /// The as-of instants that would give the same rows (so far): what a kept table stands for.
        private(set) var validity = KeptProfileStore.Validity()

        /// Every customer, or with `changedAfter` only those changed after that change number
        /// (`KeptProfileStore`).
        fileprivate init(_ db: Database, asOf: Timestamp, kinds: [String], changedAfter: Int64?) throws {
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
            expectedCustomers = try Int.fetchOne(
                db, sql: changedAfter == nil ? "SELECT count(*) FROM customers" : "SELECT count(*) FROM (\(KeptProfileStore.customersChangedAfter("?")))",
                arguments: changedAfter.map { [$0] } ?? []) ?? 0
            statement = try RawStatement(
                db,
                sql: """
                    SELECT c.pk, c.id, c.city, c.industry, c.company_size, c.gender, c.occupation, c.birth_date, c.created_at,
                           a.orders, a.interactions
                    FROM customers c LEFT JOIN customer_activity a ON a.customer_pk = c.pk
                    WHERE (c.created_at IS NULL OR c.created_at <= ?1)
                    \(changedAfter == nil ? "" : "AND c.pk IN (\(KeptProfileStore.customersChangedAfter("?2")))") ORDER BY c.pk
                    """)
            statement.bind(1, limit)
            if let changedAfter { statement.bind(2, changedAfter) }
        }

        /// Refills `row` with the next customer; false when there are no more.
        func next(into row: inout ActivityRow) throws -> Bool {
            guard try statement.step() else { return false }
            let limit = limit
            var validity = validity
            defer { self.validity = validity }
            let createdAt = statement.optionalInt64(8)
            if let createdAt { validity.include(createdAt) }
            row.orders.removeAll(keepingCapacity: true)
            ActivityDigest.forEachOrder(statement.blob(9)) { entry in
                guard entry.time <= limit else { return validity.exclude(entry.time) }
                validity.include(entry.time)
                row.orders.append(OrderRow(
                    orderedAt: entry.time, amount: entry.amount, quantity: entry.quantity < 0 ? nil : Int64(entry.quantity),
                    category: code(entry.category, in: categoryOfLabel)))
            }
            row.interactions.removeAll(keepingCapacity: true)
            ActivityDigest.forEachInteraction(statement.blob(10)) { entry in
                guard entry.time <= limit else { return validity.exclude(entry.time) }
                validity.include(entry.time)
                row.interactions.append((entry.time, Int(code(entry.kind, in: kindOfLabel))))
            }
            row.customer = CustomerRow(
                pk: statement.int64(0), id: statement.text(1) ?? "", city: statement.text(2), industry: statement.text(3),
                companySize: statement.text(4), gender: statement.text(5), occupation: statement.text(6),
                birthDate: statement.text(7), createdAt: createdAt)
            return true
        }

        /// Also excludes the sign-ups after as-of (of customers the scan does not return).
        fileprivate func excludeLaterSignUps(_ db: Database) throws {
            if let first = try Int64.fetchOne(db, sql: "SELECT min(created_at) FROM customers WHERE created_at > ?", arguments: [limit]) {
                validity.exclude(first)
            }
        }

        private func code<Code: BinaryInteger>(_ label: Int32, in codes: [Code]) -> Code {
            label >= 0 && Int(label) < codes.count ? codes[Int(label)] : -1
        }
    }

    func activity(kinds: [String], changedAfter: Int64? = nil) throws -> ActivityScan {
        try ActivityScan(db, asOf: asOf, kinds: kinds, changedAfter: changedAfter)
    }
}

extension CRMDatabase {
    /// Every customer's profile as of `asOf`, with the custom `fields` (stored value, else the
    /// field's default) and the windows of `shape`, calendar days counted in the database's
    /// business time zone.
    ///
    /// The profile is the kept one when it stands for this request (`KeptProfileStore`), else it
    /// is built in one pass over the data. With `keep`, a built table can be kept for the next
    /// request with `keep(_:)` (runs keep theirs once their computed fields are in; displays and
    /// backtests, which look at other instants, do not).
    public func profiles(
        asOf: Timestamp, fields: [CustomField] = [], shape: ProfileShape = .standard, keep: Bool = false
    ) throws -> ProfileTable {
        let scale = try currency().scale
        let zone = try businessTimeZone()
        if keep, try !read(KeptProfileStore.changeLogStarted) { try write(KeptProfileStore.startChangeLog) }
        // Before the rows are read: a request that keeps its table writes rows referring to them.
        let stamp = keep ? try customerStamp() : nil
        var empty = ProfileTable(asOf: asOf, currencyScale: scale, shape: shape, timeZone: zone)
        empty.prepareCustomFields(fields.map(\.name))
        let key = KeptProfileStore.key(
            shape: shape, fields: fields, currencyScale: scale, timeZone: zone, asOfDay: empty.dayCounter.day(of: asOf))
        var table = try read { db in
            let builder = ProfileBuilder(asOf: asOf, currencyScale: scale, shape: shape, timeZone: zone)
            var table = empty
            switch try KeptProfileStore.load(db, key: key, into: &table) {
            case .current:
                return table
            case .stale(let changed, let changedAfter):
                // Only the changed customers' rows are built again.
                let scan = try ProfileQueries(db: db, asOf: asOf).activity(kinds: shape.interactionKinds, changedAfter: changedAfter)
                var rebuilt = try builder.build(from: scan)
                try readFields(fields, db, changedAfter: changedAfter, into: &rebuilt)
                try scan.excludeLaterSignUps(db)
                let ticket = table.keeping?.patched(validity: scan.validity, through: try KeptProfileStore.lastChange(db))
                table = try ProfileTablePatch(kept: table.pks, rebuilt: rebuilt.pks, changed: changed).apply(kept: table, rebuilt: rebuilt)
                table.keeping = ticket
                table.origin = .patched(customers: rebuilt.count)
                return table
            case .nothing:
                let scan = try ProfileQueries(db: db, asOf: asOf).activity(kinds: shape.interactionKinds)
                table = try builder.build(from: scan)
                try readFields(fields, db, into: &table)
                if keep {
                    try scan.excludeLaterSignUps(db)
                    table.keeping = KeptProfileStore.Ticket(
                        key: key, validity: scan.validity, through: try KeptProfileStore.lastChange(db), needsWrite: true)
                }
                return table
            }
        }
        table.customerStamp = stamp
        return table
    }

    /// Keeps `table` on disk for the next request, when it came from `profiles(…, keep: true)`
    /// and differs from the kept one (it was built, or its holder computed fields into it).
    public func keep(_ table: ProfileTable) throws {
        guard let ticket = table.keeping, ticket.needsWrite else { return }
        try write { db in try KeptProfileStore.keep(db, table, ticket: ticket) }
    }

    /// Adds the custom `fields` to `table`: each customer's stored value, else the default (of
    /// the customers changed after `changedAfter` only, when given).
    private func readFields(_ fields: [CustomField], _ db: Database, changedAfter: Int64? = nil, into table: inout ProfileTable) throws {
        // Each field's stored values arrive in customer-key order, as the table's rows are.
        var columns = fields.map { field in
            ProfileColumn(repeating: field.definition.defaultValue?.profileValue ?? .missing, count: table.count)
        }
        var rows = fields.map { _ in KeyedRows(table.pks) }
        try FieldStore.forEachValue(db, fields: fields.map(\.name), changedAfter: changedAfter) { pk, field, json in
            guard let row = rows[field].row(of: pk) else { return }
            columns[field][row] = FieldValue.decode(json: json, as: fields[field].definition.type)?.profileValue ?? .missing
        }
        for (field, values) in zip(fields, columns) { table.setCustomField(field.name, values: values) }
    }
}
