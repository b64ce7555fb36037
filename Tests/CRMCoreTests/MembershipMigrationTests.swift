import Foundation
import GRDB
import Testing

@testable import CRMCore

/// A database written before memberships and transitions became integer rows is migrated with
/// its history: the same members, transitions (same ids, so follow-ups still point at them) and
/// run dates; reasons are no longer stored.
@Suite("Migration to compact memberships")
struct MembershipMigrationTests {
    /// A database at v8 (before integer keys and compact memberships) whose customers 1 and 2
    /// have the ids `ids`, with two rfm runs, a tiers run, their transitions and memberships, and
    /// a follow-up pointing at transition 12; opened (so migrated) by the caller.
    static func oldDatabase(in sandbox: Sandbox, ids: (String, String)) throws -> String {
        let path = sandbox.path("old.sqlite")
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(queue, upTo: "v8: customer merges")
        try queue.write { db in
            try db.execute(sql: """
            INSERT INTO customers(pk, id) VALUES (1, '\(ids.0)'), (2, '\(ids.1)');
            INSERT INTO runs(id, kind, subject, as_of, started_at, outcome) VALUES
                (1, 'segmentation', 'rfm', 1000000, 1, 'succeeded'),
                (2, 'segmentation', 'rfm', 2000000, 2, 'succeeded'),
                (3, 'segmentation', 'tiers', 2000000, 3, 'succeeded');
            INSERT INTO transitions(id, run_id, segmentation, customer_pk, from_segment, to_segment, as_of, reason) VALUES
                (10, 1, 'rfm', 1, NULL, 'Lost', 1000000, 'old reason'),
                (11, 1, 'rfm', 2, NULL, 'Loyal', 1000000, NULL),
                (12, 2, 'rfm', 1, 'Lost', 'Champions', 2000000, 'why'),
                (13, 3, 'tiers', 1, NULL, 'Lost', 2000000, NULL);
            INSERT INTO memberships(segmentation, customer_pk, segment, reason, since_run, since_as_of) VALUES
                ('rfm', 1, 'Champions', 'why', 2, 2000000),
                ('rfm', 2, 'Loyal', NULL, 1, 1000000),
                ('tiers', 1, 'Lost', NULL, 3, 2000000);
            INSERT INTO follow_ups(id, action, plugin, customer_pk, transition_id, trigger, run_id, as_of, outcome)
                VALUES (1, 'welcome', 'p', 1, 12, 'enter', 2, 2000000, 'applied');
            INSERT INTO action_cursors(action, transition_id) VALUES ('welcome', 12);
            """)
        }
        try queue.close()
        return path
    }

    @Test("text ids are renumbered and their memberships and history follow them")
    func textIDs() throws {
        let sandbox = try Sandbox()
        let path = try Self.oldDatabase(in: sandbox, ids: ("C-1", "C-2"))
        let database = try CRMDatabase(path: path)
        #expect(try database.members(segmentation: "rfm").map { "\($0.customerID) \($0.segment)" } == ["C-1 Champions", "C-2 Loyal"])
        #expect(try database.memberships(customerID: "C-1").map(\.segment) == ["Champions", "Lost"])
        #expect(try database.transitions(customerID: "C-1").map(\.id) == [10, 12, 13])
        #expect(try database.transitions(customerID: "C-2").map(\.to) == ["Loyal"])
    }

    @Test("memberships, transitions and follow-ups of an older database survive the migration")
    func migratesHistory() throws {
        let sandbox = try Sandbox()
        // Numeric ids keep their keys through v9-keys (which renumbers text ids).
        let path = try Self.oldDatabase(in: sandbox, ids: ("1", "2"))
        let database = try CRMDatabase(path: path)
        let rfm = try database.members(segmentation: "rfm")
        #expect(rfm.map(\.customerID) == ["1", "2"])
        #expect(rfm.map(\.segment) == ["Champions", "Loyal"])
        #expect(rfm.map(\.since.microsecondsSinceEpoch) == [2_000_000, 1_000_000])
        #expect(rfm.map(\.sinceRun) == [2, 1])
        #expect(rfm.allSatisfy { $0.reason == nil })
        let history = try database.transitions(customerID: "1")
        #expect(history.map(\.id) == [10, 12, 13])
        #expect(history.map(\.segmentation) == ["rfm", "rfm", "tiers"])
        #expect(history.map(\.from) == [nil, "Lost", nil])
        #expect(history.map(\.to) == ["Lost", "Champions", "Lost"])
        #expect(history.map(\.asOf.microsecondsSinceEpoch) == [1_000_000, 2_000_000, 2_000_000])
        // "Lost" of rfm and "Lost" of tiers are two segments with their own codes.
        #expect(try database.segmentSizes().map { "\($0.segmentation) \($0.segment) \($0.customers)" }
            == ["rfm Champions 1", "rfm Loyal 1", "tiers Lost 1"])
        #expect(try database.memberships(customerID: "1").map(\.segment) == ["Champions", "Lost"])
        #expect(try database.memberships("rfm", atRun: 1) == [1: "Lost", 2: "Loyal"])
        #expect(try database.memberships("rfm", atRun: 2) == [1: "Champions", 2: "Loyal"])
        // The follow-up still points at its transition, and the cursor past it finds nothing new.
        #expect(try database.followUpExposures(segmentation: "rfm").map(\.customerPK) == [1])
        #expect(try database.read { db in try FollowUpStore.transitions(db, after: "welcome", segmentation: "rfm") }.isEmpty)
        #expect(try database.read { db in try FollowUpStore.transitions(db, after: "other", segmentation: "rfm") }.isEmpty)
    }
}

@Suite("Write only what changed")
struct RowChangesTests {
    @Test("stored values are matched to rows by key; only rows whose value differs are changes")
    func changedRows() {
        let pks: [Int64] = [2, 5, 9, 12]
        // Stored values arrive in key order and may name customers that are not rows (7).
        let stored: [String?] = RowChanges.stored(pks: pks, absent: nil) { found in
            for (pk, value) in [(Int64(2), "a"), (5, "b"), (7, "x"), (12, "d")] { found(pk, value) }
        }
        #expect(stored == ["a", "b", nil, "d"])
        #expect(RowChanges.rows(new: ["a", "B", nil, nil], stored: stored) == [1, 3])
        #expect(RowChanges.rows(new: stored, stored: stored).isEmpty)
    }
}
