import Foundation
import GRDB
import Synchronization
import Testing

@testable import CRMCore

@Suite("Which databases crm opens: its own, not foreign or newer ones; one migration at a time")
struct DatabaseIdentityTests {
    @Test("a SQLite file crm did not create is refused unchanged; init adopts one without another application's id")
    func foreign() throws {
        let sandbox = try Sandbox()
        let path = sandbox.path("notes.sqlite")
        let other = try DatabaseQueue(path: path)
        try other.write { db in try db.execute(sql: "CREATE TABLE notes(text)") }
        try other.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect {
            _ = try CRMDatabase(path: path)
        } throws: { error in
            "\(error)".contains("not a crm database (it holds notes); crm leaves it unchanged")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "not migrated, not even switched to WAL")
        _ = try CRMDatabase(path: path, adopt: true)
        _ = try CRMDatabase(path: path)  // now it is crm's
    }

    @Test("a database written by a newer crm is refused with the version that wrote it")
    func newer() throws {
        let sandbox = try Sandbox()
        _ = try sandbox.database()
        let queue = try DatabaseQueue(path: sandbox.path("crm.sqlite"))
        try queue.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations(identifier) VALUES ('v99: from the future')")
            try db.execute(sql: "UPDATE settings SET value = 'crm 9.0.0' WHERE key = 'schema_written_by'")
        }
        try queue.close()
        #expect {
            _ = try sandbox.database()
        } throws: { error in
            "\(error)".contains("written by a newer crm (crm 9.0.0) whose schema this crm \(CRMVersion.current) does not know (v99: from the future)")
        }
    }

    @Test("several openers of a database that needs migrations do not race: each waits, then finds the work done")
    func concurrentMigration() throws {
        for _ in 0..<8 {
            let sandbox = try Sandbox()
            let path = sandbox.path("old.sqlite")
            let old = try DatabaseQueue(path: path)
            try Schema.migrator.migrate(old, upTo: DatabaseIdentity.firstMigration)
            try old.close()
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 3) { _ in
                do {
                    _ = try CRMDatabase(path: path)
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
            #expect(failures.withLock { $0 } == [])
            let database = try CRMDatabase(path: path)
            #expect(try database.read { db in try Schema.migrator.hasCompletedMigrations(db) })
        }
    }
}
