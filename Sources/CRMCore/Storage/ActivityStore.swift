import Foundation
import GRDB

/// `customer_activity` (each customer's orders and interactions as one digest): the labels of
/// its texts, and the rebuild from the tables that migrations, erasure and merges use and that
/// an import falls back to where the rows it wrote cannot tell (`ActivityDelta`).
///
/// A rebuild orders each customer's entries by time, and entries of the same instant by row key.
enum ActivityStore {
    enum Column: String {
        case orders, interactions
    }

    /// Label id of each text (categories, interaction kinds), created on first use.
    final class Labels {
        private var ids: [String: Int32] = [:]
        private let db: Database

        init(_ db: Database) throws {
            self.db = db
            for row in try Row.fetchAll(db, sql: "SELECT id, text FROM labels") { ids[row[1]] = row[0] }
        }

        func id(_ text: String?) throws -> Int32 {
            guard let text else { return -1 }
            if let id = ids[text] { return id }
            try db.execute(sql: "INSERT INTO labels(text) VALUES (?)", arguments: [text])
            let id = Int32(db.lastInsertedRowID)
            ids[text] = id
            return id
        }
    }

    /// All labels by id, for decoding.
    static func labels(_ db: Database) throws -> [Int32: String] {
        var labels: [Int32: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, text FROM labels") { labels[row[0]] = row[1] }
        return labels
    }

    /// Rebuilds the `column` digest of `customers` (every customer when nil) from the source table.
    static func rebuild(_ db: Database, _ column: Column, customers: Set<Int64>?) throws {
        let labels = try Labels(db)
        let write = try RawStatement(
            db,
            sql: """
                INSERT INTO customer_activity(customer_pk, \(column.rawValue)) VALUES (?, ?)
                ON CONFLICT(customer_pk) DO UPDATE SET \(column.rawValue) = excluded.\(column.rawValue)
                """)
        let select: String
        switch column {
        case .orders:
            select = "SELECT customer_pk, ordered_at, amount, quantity, category FROM orders"
        case .interactions:
            select = "SELECT customer_pk, occurred_at, kind FROM interactions"
        }
        let order = column == .orders ? "customer_pk, ordered_at, pk" : "customer_pk, occurred_at, pk"
        if customers == nil {
            try db.execute(sql: "UPDATE customer_activity SET \(column.rawValue) = NULL")
        }
        let scan = try RawStatement(db, sql: customers == nil ? "\(select) ORDER BY \(order)" : "\(select) WHERE customer_pk = ? ORDER BY \(order)")
        var digest = DigestBuilder(column: column)
        func flush() throws {
            guard let pk = digest.customer else { return }
            write.bind(1, pk)
            write.bind(2, digest.data)
            try write.execute()
            digest.reset()
        }
        func consume() throws {
            while try scan.step() {
                let pk = scan.int64(0)
                if digest.customer != pk {
                    try flush()
                    digest.customer = pk
                }
                switch column {
                case .orders:
                    digest.orders.append(ActivityDigest.OrderEntry(
                        time: scan.int64(1), amount: scan.int64(2), quantity: Int32(clamping: scan.optionalInt64(3) ?? -1),
                        category: try labels.id(scan.text(4))))
                case .interactions:
                    digest.interactions.append(ActivityDigest.InteractionEntry(time: scan.int64(1), kind: try labels.id(scan.text(2))))
                }
            }
            try flush()
        }
        if let customers {
            for pk in customers {
                digest.customer = pk  // written even when empty: the customer's last order may have moved away
                scan.bind(1, pk)
                try consume()
                scan.reset()
            }
        } else {
            try consume()
        }
    }

    private struct DigestBuilder {
        let column: Column
        var customer: Int64?
        var orders: [ActivityDigest.OrderEntry] = []
        var interactions: [ActivityDigest.InteractionEntry] = []

        var data: Data {
            column == .orders ? ActivityDigest.encode(orders: orders) : ActivityDigest.encode(interactions: interactions)
        }

        mutating func reset() {
            customer = nil
            orders.removeAll(keepingCapacity: true)
            interactions.removeAll(keepingCapacity: true)
        }
    }
}
