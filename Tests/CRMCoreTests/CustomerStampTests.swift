import Foundation
import GRDB
import Testing

@testable import CRMCore

/// Writes that refer to the customers of profiles read earlier skip SQLite's per-row check of
/// the customer only while no customer can have gone since (`CRMDatabase.write(trustingCustomersSince:)`).
@Suite("Trusting customer references since a stamp")
struct CustomerStampTests {
    /// Tries to insert a transition of `customer` (no such row must stay behind when the customer is gone).
    static func insertTransition(_ database: CRMDatabase, customer pk: Int64, since stamp: CRMDatabase.CustomerStamp) throws {
        try database.write(trustingCustomersSince: stamp) { db in
            let run = try RunLog.begin(db, kind: .segmentation, subject: "test", asOf: nil, startedAt: Timestamp.now())
            try db.execute(
                sql: "INSERT INTO transitions(run_id, segmentation_code, customer_pk, from_code, to_code) VALUES (?, 1, ?, NULL, 1)",
                arguments: [run, pk])
        }
    }

    static func transitions(_ database: CRMDatabase, customer pk: Int64) throws -> Int {
        try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM transitions WHERE customer_pk = ?", arguments: [pk]) ?? -1 }
    }

    @Test("with nothing changed since the stamp the reference is not looked up; the check is back on afterwards")
    func unchangedSkipsTheCheck() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let stamp = try database.customerStamp()
        // A key no customer has: only a write that skips the check accepts it.
        try Self.insertTransition(database, customer: 424_242, since: stamp)
        #expect(try Self.transitions(database, customer: 424_242) == 1)
        #expect(try database.write { db in try Int.fetchOne(db, sql: "PRAGMA foreign_keys") } == 1)
    }

    @Test("a customer erased through another connection after the stamp: the reference is checked, nothing refers to them")
    func otherConnectionErases() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let pk = try #require(try database.read { db in try RowKeys.pk(db, id: "2") })
        let stamp = try database.customerStamp()
        let other = try CRMDatabase(path: database.path)
        _ = try other.eraseCustomer(id: "2", anonymize: false, personalFields: [])
        #expect(throws: CRMError.self) { try Self.insertTransition(database, customer: pk, since: stamp) }
        #expect(try Self.transitions(database, customer: pk) == 0)
    }

    @Test("a customer erased or merged away through the same connection after the stamp: the reference is checked")
    func sameConnectionRemoves() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let erased = try #require(try database.read { db in try RowKeys.pk(db, id: "3") })
        let merged = try #require(try database.read { db in try RowKeys.pk(db, id: "4") })
        let stamp = try database.customerStamp()
        _ = try database.eraseCustomer(id: "3", anonymize: false, personalFields: [])
        #expect(throws: CRMError.self) { try Self.insertTransition(database, customer: erased, since: stamp) }
        let later = try database.customerStamp()
        _ = try database.mergeCustomers(keep: "5", duplicate: "4", preferDuplicate: false, dryRun: false)
        #expect(throws: CRMError.self) { try Self.insertTransition(database, customer: merged, since: later) }
        #expect(try Self.transitions(database, customer: erased) == 0 && Self.transitions(database, customer: merged) == 0)
    }
}
