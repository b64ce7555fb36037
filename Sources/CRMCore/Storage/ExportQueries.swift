import GRDB

extension CRMDatabase {
    /// Calls `body` with every record of `kind` in the CSV format's column order, sorted by id,
    /// as the text `crm import` reads back: instants in UTC (`Z`), amounts with the currency's
    /// decimals, nil for empty values. Customers get one more value per name of `customFields`,
    /// then their tags (comma-separated) when `tags` is set.
    public func exportRecords(_ kind: RecordKind, customFields: [String] = [], tags: Bool = false, _ body: ([String?]) throws -> Void) throws {
        let scale = try currency().scale
        try read { db in
            let sql: String
            switch kind {
            case .customers:
                sql = "SELECT \(RecordKind.customers.columns.joined(separator: ", ")), pk FROM customers ORDER BY id"
            case .orders:
                sql = """
                    SELECT o.id, c.id, o.ordered_at, o.product, o.category, o.quantity, o.unit_price, o.amount
                    FROM orders o JOIN customers c ON c.pk = o.customer_pk ORDER BY o.id
                    """
            case .interactions:
                sql = """
                    SELECT i.id, c.id, i.kind, i.occurred_at
                    FROM interactions i JOIN customers c ON c.pk = i.customer_pk ORDER BY i.id
                    """
            }
            let instantColumns: Set<String> = ["created_at", "ordered_at", "occurred_at"]
            let moneyColumns: Set<String> = ["unit_price", "amount"]
            let columns = kind.columns
            let extra = kind == .customers ? customFields : []
            let fieldValues = try FieldStore.values(db, fields: extra)
            let cursor = try Row.fetchCursor(db, sql: sql)
            let withTags = tags && kind == .customers
            let tagLists = withTags ? try FollowUpStore.tagLists(db) : [:]
            var values = [String?](repeating: nil, count: columns.count + extra.count + (withTags ? 1 : 0))
            while let row = try cursor.next() {
                for (index, column) in columns.enumerated() {
                    if instantColumns.contains(column) {
                        values[index] = (row[index] as Int64?).map { Timestamp(microsecondsSinceEpoch: $0).iso8601 }
                    } else if moneyColumns.contains(column) {
                        values[index] = (row[index] as Int64?).map { Money.formatMinorUnits($0, scale: scale) }
                    } else if column == "quantity" {
                        values[index] = (row[index] as Int64?).map { String($0) }
                    } else {
                        values[index] = row[index]
                    }
                }
                if !extra.isEmpty {
                    let pk: Int64 = row[columns.count]
                    for (offset, field) in extra.enumerated() {
                        values[columns.count + offset] = fieldValues[field]?[pk].map(FieldValue.displayText(json:))
                    }
                }
                if withTags { values[values.count - 1] = tagLists[row[columns.count]] }
                try body(values)
            }
        }
    }
}
