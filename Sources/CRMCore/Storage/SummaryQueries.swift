import GRDB

extension CRMDatabase {
    /// Totals over the whole database and its `top` customers by revenue.
    public func summary(top: Int = 5) throws -> DatabaseSummary {
        try read { db in
            let totals = try Row.fetchOne(
                db,
                sql: """
                    SELECT (SELECT count(*) FROM customers), count(*), count(DISTINCT customer_pk),
                           coalesce(sum(amount), 0), min(ordered_at), max(ordered_at),
                           (SELECT count(*) FROM interactions)
                    FROM orders
                    """)
            let topRows = try Row.fetchAll(
                db,
                sql: """
                    SELECT c.id, c.name, o.orders, o.revenue
                    FROM (SELECT customer_pk, count(*) AS orders, sum(amount) AS revenue
                          FROM orders GROUP BY customer_pk ORDER BY revenue DESC, customer_pk LIMIT ?) o
                    JOIN customers c ON c.pk = o.customer_pk
                    ORDER BY o.revenue DESC, c.id
                    """,
                arguments: [top])
            var kinds: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT kind, count(*) FROM interactions GROUP BY kind") {
                kinds[row[0]] = row[1]
            }
            return DatabaseSummary(
                customers: totals?[0] ?? 0, orders: totals?[1] ?? 0, interactions: totals?[6] ?? 0,
                buyers: totals?[2] ?? 0, revenue: totals?[3] ?? 0,
                firstOrderAt: (totals?[4] as Int64?).map(Timestamp.init(microsecondsSinceEpoch:)),
                lastOrderAt: (totals?[5] as Int64?).map(Timestamp.init(microsecondsSinceEpoch:)),
                topCustomers: topRows.map { (id: $0[0], name: $0[1], orders: $0[2], revenue: $0[3]) },
                interactionsByKind: kinds)
        }
    }
}
