import GRDB

/// A succeeded segmentation run: its id and the instant it classified as of.
public struct RunPoint: Sendable, Equatable {
    public let id: Int64
    public let asOf: Timestamp
}

/// What one customer did up to the end of a measurement window: whether they had ordered by
/// its start, and their orders and revenue (minor units) inside it.
struct WindowActivity: Sendable, Equatable {
    var orderedBefore = false
    var orders = 0
    var revenue: Int64 = 0
}

/// One follow-up that fired or was held out, for comparing treated and held-out customers.
struct FollowUpExposure: Sendable, Equatable {
    let action: String
    let customerPK: Int64
    let asOf: Timestamp
    let heldOut: Bool
}

/// The reads evaluation needs: runs, sizes, memberships at a past run, activity in a window.
extension CRMDatabase {
    /// Succeeded runs of `segmentation`, oldest first.
    func segmentationRuns(_ segmentation: String) throws -> [RunPoint] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, as_of FROM runs
                    WHERE kind = 'segmentation' AND subject = ? AND outcome = 'succeeded' AND as_of IS NOT NULL ORDER BY id
                    """,
                arguments: [segmentation]
            ).map { RunPoint(id: $0[0], asOf: Timestamp(microsecondsSinceEpoch: $0[1])) }
        }
    }

    /// Recorded segment sizes by run id (runs that changed nothing have none).
    func recordedSizes(_ segmentation: String) throws -> [Int64: [String: Int]] {
        try read { db in
            var sizes: [Int64: [String: Int]] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT run_id, segment, customers FROM segment_sizes WHERE segmentation = ?", arguments: [segmentation])
            {
                sizes[row[0], default: [:]][row[1]] = row[2]
            }
            return sizes
        }
    }

    /// Each customer's segment right after run `runID`: the last transition up to that run.
    /// One pass in transition order, the later overwriting the earlier (no sort, no subquery).
    func memberships(_ segmentation: String, atRun runID: Int64) throws -> [Int64: String] {
        try read { db in
            let rows = try Row.fetchCursor(
                db, sql: "SELECT t.customer_pk, g.name FROM transitions t JOIN segment_codes g ON g.code = t.to_code WHERE t.segmentation_code = (SELECT code FROM segmentation_codes WHERE name = ?) AND t.run_id <= ? ORDER BY t.id",
                arguments: [segmentation, runID])
            var result: [Int64: String] = [:]
            while let row = try rows.next() { result[row[0]] = row[1] }
            return result
        }
    }

    /// Every customer's activity for a window (start, end]: ordered by start, orders inside.
    func windowActivity(from start: Timestamp, to end: Timestamp) throws -> [Int64: WindowActivity] {
        try read { db in
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT customer_pk, max(ordered_at <= ?1), sum(ordered_at > ?1),
                           sum(CASE WHEN ordered_at > ?1 THEN amount ELSE 0 END)
                    FROM orders WHERE ordered_at <= ?2 GROUP BY customer_pk
                    """,
                arguments: [start.microsecondsSinceEpoch, end.microsecondsSinceEpoch])
            var result: [Int64: WindowActivity] = [:]
            while let row = try rows.next() {
                result[row[0]] = WindowActivity(orderedBefore: row[1] == 1, orders: row[2], revenue: row[3])
            }
            return result
        }
    }

    /// Follow-ups of actions on `segmentation` that were applied or held out, oldest first.
    func followUpExposures(segmentation: String) throws -> [FollowUpExposure] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT f.action, f.customer_pk, f.as_of, f.outcome = 'held_out' FROM follow_ups f
                    JOIN transitions t ON t.id = f.transition_id
                    WHERE t.segmentation_code = (SELECT code FROM segmentation_codes WHERE name = ?) AND f.outcome IN ('applied', 'held_out') ORDER BY f.id
                    """,
                arguments: [segmentation]
            ).map {
                FollowUpExposure(action: $0[0], customerPK: $0[1], asOf: Timestamp(microsecondsSinceEpoch: $0[2]), heldOut: $0[3])
            }
        }
    }

    /// The instant of the first order, nil when there are none.
    func firstOrderInstant() throws -> Timestamp? {
        try read { db in
            try Int64.fetchOne(db, sql: "SELECT min(ordered_at) FROM orders").map(Timestamp.init(microsecondsSinceEpoch:))
        }
    }

    /// Customer ids by key, for listing customers an evaluation found.
    func customerIDs(_ pks: [Int64]) throws -> [Int64: String] {
        try read { db in
            var ids: [Int64: String] = [:]
            for chunk in stride(from: 0, to: pks.count, by: 500) {
                let part = Array(pks[chunk..<min(chunk + 500, pks.count)])
                let marks = Array(repeating: "?", count: part.count).joined(separator: ",")
                for row in try Row.fetchAll(db, sql: "SELECT pk, id FROM customers WHERE pk IN (\(marks))", arguments: StatementArguments(part)) {
                    ids[row[0]] = row[1]
                }
            }
            return ids
        }
    }
}
