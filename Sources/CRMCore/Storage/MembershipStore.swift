import GRDB

/// Reads and writes memberships, transitions and segment sizes.
///
/// Segmentations and segments are stored as integer codes (`segmentation_codes`,
/// `segment_codes`); a membership is (segmentation, customer, segment, run) and a transition
/// (run, segmentation, customer, from, to), both as of their run's as-of. No reason is stored:
/// `SegmentReasons` asks the plugin when one is shown.
enum MembershipStore {
    /// The rows of one customer (bound as the one argument) in a table keyed by segmentation
    /// first, memberships and transitions: one range of the key per segmentation, so a lookup
    /// by customer is a few seeks, not a scan of every segmentation's rows.
    static func ofCustomer(_ table: String? = nil) -> String {
        let prefix = table.map { "\($0)." } ?? ""
        return "\(prefix)segmentation_code IN (SELECT code FROM segmentation_codes) AND \(prefix)customer_pk = ?"
    }

    /// The code of a segmentation, nil when nothing of it was ever stored.
    static func segmentationCode(_ db: Database, _ segmentation: String) throws -> Int64? {
        try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT code FROM segmentation_codes WHERE name = ?"), arguments: [segmentation])
    }

    /// The stored segments of a segmentation: name by code.
    static func segmentNames(_ db: Database, segmentationCode: Int64) throws -> [Int64: String] {
        var names: [Int64: String] = [:]
        let rows = try Row.fetchCursor(
            db, sql: "SELECT code, name FROM segment_codes WHERE segmentation = ?", arguments: [segmentationCode])
        while let row = try rows.next() { names[row[0]] = row[1] }
        return names
    }

    /// Each profile row's current segment, as a code of `changes` (`SegmentChanges.none` when
    /// the customer has none). Memberships arrive in customer-key order, as the rows are.
    static func current(_ db: Database, segmentation: String, pks: [Int64], changes: inout SegmentChanges) throws -> [Int16] {
        guard let segmentationCode = try segmentationCode(db, segmentation) else {
            return [Int16](repeating: SegmentChanges.none, count: pks.count)
        }
        // Stored codes to the run's codes; stored segments no longer declared are added to `changes`.
        var local: [Int64: Int16] = [:]
        for (code, name) in try segmentNames(db, segmentationCode: segmentationCode).sorted(by: { $0.key < $1.key }) {
            local[code] = changes.code(of: name)
        }
        let statement = try RawStatement(
            db, sql: "SELECT customer_pk, segment_code FROM memberships WHERE segmentation_code = ? ORDER BY customer_pk")
        statement.bind(1, segmentationCode)
        return try RowChanges.stored(pks: pks, absent: SegmentChanges.none) { found in
            while try statement.step() {
                if let code = local[statement.int64(1)] { found(statement.int64(0), code) }
            }
        }
    }

    /// The codes of `segmentation` and of `segments` (in that order), created when new.
    static func ensureCodes(_ db: Database, segmentation: String, segments: [String]) throws -> (segmentation: Int64, segments: [Int64]) {
        try db.execute(sql: "INSERT INTO segmentation_codes(name) VALUES (?) ON CONFLICT DO NOTHING", arguments: [segmentation])
        guard let code = try segmentationCode(db, segmentation) else { throw DatabaseError(message: "no code for segmentation \(segmentation)") }
        var byName = Dictionary(try segmentNames(db, segmentationCode: code).map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let insert = try db.cachedStatement(sql: "INSERT INTO segment_codes(segmentation, name) VALUES (?, ?)")
        let codes = try segments.map { name in
            if let known = byName[name] { return known }
            try insert.execute(arguments: [code, name])
            byName[name] = db.lastInsertedRowID
            return db.lastInsertedRowID
        }
        return (code, codes)
    }

    /// Writes the memberships that changed and one transition per change, 100 rows per statement.
    static func apply(_ db: Database, changes: SegmentChanges, pks: [Int64], segmentation: String, runID: Int64) throws {
        guard changes.count > 0 else { return }
        let codes = try ensureCodes(db, segmentation: segmentation, segments: changes.names)
        let memberships = BatchedInsert(
            db, prefix: "INSERT INTO memberships(segmentation_code, customer_pk, segment_code, since_run) VALUES",
            width: 4,
            suffix: """
                ON CONFLICT(segmentation_code, customer_pk) DO UPDATE SET
                    segment_code = excluded.segment_code, since_run = excluded.since_run
                """)
        let transitions = BatchedInsert(
            db, prefix: "INSERT INTO transitions(run_id, segmentation_code, customer_pk, from_code, to_code) VALUES", width: 5)
        for change in 0..<changes.count {
            let customer = pks[Int(changes.rows[change])]
            let to = codes.segments[Int(changes.to[change])]
            let from = changes.from[change]
            memberships.add(codes.segmentation)
            memberships.add(customer)
            memberships.add(to)
            memberships.add(runID)
            try memberships.endRow()
            transitions.add(runID)
            transitions.add(codes.segmentation)
            transitions.add(customer)
            if from == SegmentChanges.none { transitions.addNull() } else { transitions.add(codes.segments[Int(from)]) }
            transitions.add(to)
            try transitions.endRow()
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
                DELETE FROM memberships WHERE segmentation_code = (SELECT code FROM segmentation_codes WHERE name = ?)
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
                    SELECT s.name, g.name, count(*) FROM memberships m
                    JOIN segmentation_codes s ON s.code = m.segmentation_code JOIN segment_codes g ON g.code = m.segment_code
                    GROUP BY m.segmentation_code, m.segment_code ORDER BY s.name, count(*) DESC, g.name
                    """
            ).map { (segmentation: $0[0], segment: $0[1], customers: $0[2]) }
        }
    }

    /// Members of a segmentation (optionally one segment), in customer-id order, without reasons
    /// (`SegmentReasons` fills them in).
    public func members(segmentation: String, segment: String? = nil) throws -> [Membership] {
        try keyedMembers(segmentation: segmentation, segment: segment).map(\.membership)
    }

    /// The same with each member's customer key.
    func keyedMembers(segmentation: String, segment: String? = nil) throws -> [(pk: Int64, membership: Membership)] {
        // Read through a cursor: a million rows are never held as GRDB rows at once.
        let members = try read { db in
            var members: [(pk: Int64, membership: Membership)] = []
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT c.id, g.name, r.as_of, m.since_run, m.customer_pk
                    FROM memberships m JOIN customers c ON c.pk = m.customer_pk
                    JOIN segment_codes g ON g.code = m.segment_code JOIN runs r ON r.id = m.since_run
                    WHERE m.segmentation_code = (SELECT code FROM segmentation_codes WHERE name = ?) AND (? IS NULL OR g.name = ?)
                    """,
                arguments: [segmentation, segment, segment])
            while let row = try rows.next() {
                members.append((row[4], Membership(
                    segmentation: segmentation, customerID: row[0], segment: row[1], reason: nil,
                    since: Timestamp(microsecondsSinceEpoch: row[2]), sinceRun: row[3])))
            }
            return members
        }
        return members.sorted { CustomerIDOrder.precedes($0.membership.customerID, $1.membership.customerID) }
    }

    /// Every current membership of one customer.
    public func memberships(customerID: String) throws -> [Membership] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT s.name, g.name, r.as_of, m.since_run
                    FROM memberships m
                    JOIN segmentation_codes s ON s.code = m.segmentation_code JOIN segment_codes g ON g.code = m.segment_code
                    JOIN runs r ON r.id = m.since_run
                    WHERE \(MembershipStore.ofCustomer("m")) ORDER BY s.name
                    """,
                arguments: [try RowKeys.key(db, id: customerID)]
            ).map { row in
                Membership(
                    segmentation: row[0], customerID: customerID, segment: row[1], reason: nil,
                    since: Timestamp(microsecondsSinceEpoch: row[2]), sinceRun: row[3])
            }
        }
    }

    /// Every change of segment of one customer, oldest first.
    public func transitions(customerID: String) throws -> [Transition] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT t.id, t.run_id, s.name, f.name, g.name, r.as_of
                    FROM transitions t
                    JOIN segmentation_codes s ON s.code = t.segmentation_code
                    LEFT JOIN segment_codes f ON f.code = t.from_code JOIN segment_codes g ON g.code = t.to_code
                    JOIN runs r ON r.id = t.run_id
                    WHERE \(MembershipStore.ofCustomer("t")) ORDER BY t.id
                    """,
                arguments: [try RowKeys.key(db, id: customerID)]
            ).map { row in
                Transition(
                    id: row[0], runID: row[1], segmentation: row[2], customerID: customerID, from: row[3], to: row[4],
                    asOf: Timestamp(microsecondsSinceEpoch: row[5]))
            }
        }
    }
}

extension CRMDatabase {
    /// The customer's key, nil when there is no such customer.
    func customerKey(id: String) throws -> Int64? {
        try read { db in try FollowUpStore.customerPK(db, id: id) }
    }
}
