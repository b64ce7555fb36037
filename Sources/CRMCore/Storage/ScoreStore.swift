import GRDB

/// Reads and writes the latest score values.
enum ScoreStore {
    /// A customer's score as stored.
    struct Stored: Equatable {
        var value: Double
        var explanation: String?
    }

    /// The stored score of each customer of `pks` (in key order), nil when none.
    static func current(_ db: Database, score: String, pks: [Int64]) throws -> [Stored?] {
        let cursor = try Row.fetchCursor(
            db, sql: "SELECT customer_pk, value, explanation FROM scores WHERE score = ? ORDER BY customer_pk", arguments: [score])
        return try RowChanges.stored(pks: pks, absent: nil) { found in
            while let row = try cursor.next() { found(row[0], Stored(value: row[1], explanation: row[2])) }
        }
    }

    static func write(
        _ db: Database, score: String, values: [(customerPK: Int64, value: Double, explanation: String?)], runID: Int64,
        asOf: Timestamp
    ) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO scores(score, customer_pk, value, explanation, run_id, as_of) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(score, customer_pk) DO UPDATE SET
                    value = excluded.value, explanation = excluded.explanation,
                    run_id = excluded.run_id, as_of = excluded.as_of
                """)
        for item in values {
            try statement.execute(arguments: [score, item.customerPK, item.value, item.explanation, runID, asOf.microsecondsSinceEpoch])
        }
    }
}

extension CRMDatabase {
    /// The customers with the highest values of `score`, highest first (ties by customer id:
    /// shorter ids first, so numeric ids sort numerically).
    public func topScores(_ score: String, limit: Int) throws -> [ScoreValue] {
        let rows = try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT c.id, s.value, s.explanation, s.as_of FROM scores s JOIN customers c ON c.pk = s.customer_pk
                    WHERE s.score = ? ORDER BY s.value DESC, length(c.id), c.id LIMIT ?
                    """,
                arguments: [score, limit])
        }
        return rows.map {
            ScoreValue(score: score, customerID: $0[0], value: $0[1], explanation: $0[2], asOf: Timestamp(microsecondsSinceEpoch: $0[3]))
        }
    }

    /// The names of the scores that have stored values.
    public func scoreNames() throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT DISTINCT score FROM scores ORDER BY score") }
    }

    /// Every score of one customer.
    public func scores(customerID: String) throws -> [ScoreValue] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT s.score, s.value, s.explanation, s.as_of FROM scores s JOIN customers c ON c.pk = s.customer_pk
                    WHERE c.pk = ? ORDER BY s.score
                    """,
                arguments: [try RowKeys.key(db, id: customerID)]
            ).map {
                ScoreValue(score: $0[0], customerID: customerID, value: $0[1], explanation: $0[2], asOf: Timestamp(microsecondsSinceEpoch: $0[3]))
            }
        }
    }
}
