import GRDB

/// Reads and writes memberships, transitions and segment sizes.
enum MembershipStore {
    /// Each profile row's current segment, as a code of `changes` (`SegmentChanges.none` when
    /// the customer has none). Memberships arrive in customer-key order, as the rows are.
    static func current(_ db: Database, segmentation: String, pks: [Int64], changes: inout SegmentChanges) throws -> [Int16] {
        var codes = [Int16](repeating: SegmentChanges.none, count: pks.count)
        var known = changes.names.map { Array($0.utf8) }
        let statement = try RawStatement(
            db, sql: "SELECT customer_pk, segment FROM memberships WHERE segmentation = ? ORDER BY customer_pk")
        statement.bind(1, segmentation)
        var rows = KeyedRows(pks)
        while try statement.step() {
            let pk = statement.int64(0)
            guard let row = rows.row(of: pk) else { continue }
            let segment = statement.textBytes(1)
            if let index = known.firstIndex(where: { $0.elementsEqual(segment) }) {
                codes[row] = Int16(index)
            } else {
                codes[row] = changes.code(of: String(decoding: segment, as: UTF8.self))
                known.append(Array(segment))
            }
        }
        return codes
    }

    /// Writes the memberships that changed and one transition per change, 100 rows per statement.
    static func apply(
        _ db: Database, changes: SegmentChanges, pks: [Int64], segmentation: String, runID: Int64, asOf: Timestamp
    ) throws {
        let memberships = BatchedInsert(
            db, prefix: "INSERT INTO memberships(segmentation, customer_pk, segment, reason, since_run, since_as_of) VALUES",
            width: 6,
            suffix: """
                ON CONFLICT(segmentation, customer_pk) DO UPDATE SET
                    segment = excluded.segment, reason = excluded.reason,
                    since_run = excluded.since_run, since_as_of = excluded.since_as_of
                """)
        let transitions = BatchedInsert(
            db, prefix: "INSERT INTO transitions(run_id, segmentation, customer_pk, from_segment, to_segment, as_of, reason) VALUES",
            width: 7)
        let instant = asOf.microsecondsSinceEpoch
        for change in 0..<changes.count {
            let customer = pks[Int(changes.rows[change])]
            let to = changes.name(changes.to[change])
            try changes.withReason(change) { reason in
                memberships.add(segmentation)
                memberships.add(customer)
                memberships.add(to)
                if let reason { memberships.add(bytes: reason) } else { memberships.addNull() }
                memberships.add(runID)
                memberships.add(instant)
                try memberships.endRow()
                transitions.add(runID)
                transitions.add(segmentation)
                transitions.add(customer)
                transitions.add(changes.name(changes.from[change]))
                transitions.add(to)
                transitions.add(instant)
                if let reason { transitions.add(bytes: reason) } else { transitions.addNull() }
                try transitions.endRow()
            }
        }
        try memberships.flush()
        try transitions.flush()
    }

    /// Removes the memberships of customers created after `asOf` (a rewound run's population
    /// does not include them) and returns how many were removed. No transition is written: a
    /// transition needs a segment to go to.
    static func removeCustomersCreated(after asOf: Timestamp, _ db: Database, segmentation: String) throws -> Int {
        try db.execute(
            sql: """
                DELETE FROM memberships WHERE segmentation = ?
                AND customer_pk IN (SELECT pk FROM customers WHERE created_at > ?)
                """,
            arguments: [segmentation, asOf.microsecondsSinceEpoch])
        return db.changesCount
    }

    static func recordSizes(_ db: Database, runID: Int64, segmentation: String, sizes: [String: Int]) throws {
        let statement = try db.cachedStatement(
            sql: "INSERT INTO segment_sizes(run_id, segmentation, segment, customers) VALUES (?, ?, ?, ?)")
        for (segment, customers) in sizes {
            try statement.execute(arguments: [runID, segmentation, segment, customers])
        }
    }
}

extension CRMDatabase {
    /// Segmentations that have been run, with the number of customers in each segment now.
    public func segmentSizes() throws -> [(segmentation: String, segment: String, customers: Int)] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT segmentation, segment, count(*) FROM memberships
                    GROUP BY segmentation, segment ORDER BY segmentation, count(*) DESC, segment
                    """
            ).map { (segmentation: $0[0], segment: $0[1], customers: $0[2]) }
        }
    }

    /// Members of a segmentation (optionally one segment), in customer-id order.
    public func members(segmentation: String, segment: String? = nil) throws -> [Membership] {
        let rows = try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT c.id, m.segment, m.reason, m.since_as_of, m.since_run
                    FROM memberships m JOIN customers c ON c.pk = m.customer_pk
                    WHERE m.segmentation = ? AND (? IS NULL OR m.segment = ?)
                    """,
                arguments: [segmentation, segment, segment])
        }
        return rows.map { row in
            Membership(
                segmentation: segmentation, customerID: row[0], segment: row[1], reason: row[2],
                since: Timestamp(microsecondsSinceEpoch: row[3]), sinceRun: row[4])
        }.sorted { CustomerIDOrder.precedes($0.customerID, $1.customerID) }
    }

    /// Every current membership of one customer.
    public func memberships(customerID: String) throws -> [Membership] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT m.segmentation, m.segment, m.reason, m.since_as_of, m.since_run
                    FROM memberships m JOIN customers c ON c.pk = m.customer_pk
                    WHERE c.pk = ? ORDER BY m.segmentation
                    """,
                arguments: [try RowKeys.key(db, id: customerID)]
            ).map { row in
                Membership(
                    segmentation: row[0], customerID: customerID, segment: row[1], reason: row[2],
                    since: Timestamp(microsecondsSinceEpoch: row[3]), sinceRun: row[4])
            }
        }
    }

    /// Every change of segment of one customer, oldest first.
    public func transitions(customerID: String) throws -> [Transition] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT t.id, t.run_id, t.segmentation, t.from_segment, t.to_segment, t.as_of, t.reason
                    FROM transitions t JOIN customers c ON c.pk = t.customer_pk
                    WHERE c.pk = ? ORDER BY t.id
                    """,
                arguments: [try RowKeys.key(db, id: customerID)]
            ).map { row in
                Transition(
                    id: row[0], runID: row[1], segmentation: row[2], customerID: customerID, from: row[3], to: row[4],
                    asOf: Timestamp(microsecondsSinceEpoch: row[5]), reason: row[6])
            }
        }
    }
}
