import Foundation
import Testing

@testable import CRMCore

@Suite("Importing the tricky fixture files")
struct FixtureImportTests {
    @Test("the three fixture files load completely: 20 customers, 26 orders, 10 interactions")
    func loadsEveryRecord() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let counts = try database.counts()
        #expect(counts[.customers] == 20)
        #expect(counts[.orders] == 26)
        #expect(counts[.interactions] == 10)
    }

    @Test("customer 17's last order is the later instant, not the later text")
    func lastOrderIsLaterInstant() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let activity = try #require(try database.activity(customerID: "17"))
        // 2024-12-21T09:00:00+10:00 is 2024-12-20T23:00Z, earlier than 2024-12-21T00:30:00Z.
        #expect(activity.lastOrderAt?.iso8601 == "2024-12-21T00:30:00Z")
        #expect(activity.orderCount == 3)
        #expect(activity.monetary == 2070)
    }

    @Test("an order with an offset is stored as its UTC instant")
    func offsetsBecomeUTC() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        // Customer 2's 2024-12-31T20:00:00+08:00 is noon UTC that day.
        #expect(try database.activity(customerID: "2")?.lastOrderAt?.iso8601 == "2024-12-31T12:00:00Z")
        // Customer 9's 2024-05-05T05:05:05+09:00 is the previous UTC day.
        #expect(try database.activity(customerID: "9")?.lastOrderAt?.iso8601 == "2024-05-04T20:05:05Z")
    }

    @Test("text is kept byte for byte: spaces, quotes, line breaks, NULL as a word, NFD accents")
    func textIsKeptAsWritten() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        #expect(try database.customer(id: "7")?.name == "  Padded Name  ")
        #expect(try database.customer(id: "3")?.name == "Robert \"Bob\" O'Brien")
        #expect(try database.customer(id: "8")?.city == "Suite 100\r\nBuilding B")
        #expect(try database.customer(id: "4")?.occupation == "Owner\nand founder")
        #expect(try database.customer(id: "16")?.phone == "NULL")
        #expect(try database.customer(id: "16")?.birthDate == "NULL")
        let nfd = try #require(try database.customer(id: "19")?.name)
        #expect(Array(nfd.utf8).starts(with: Array("Combining e\u{0301}".utf8)))
        #expect(try database.customer(id: "18")?.name?.count == 305)
    }

    @Test("a record with only an id and created_at is a customer with no other attributes")
    func sparseRecord() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let customer = try #require(try database.customer(id: "6"))
        #expect(customer.name == nil && customer.email == nil && customer.city == nil)
        #expect(customer.createdAt?.iso8601 == "2024-01-01T00:00:00Z")
    }

    @Test("a birth date that is not a date is kept as text and reported as a warning with its line")
    func birthDateWarning() throws {
        let sandbox = try Sandbox()
        let database = try sandbox.database()
        let summary = try Importer(database: database).importFile(.customers, path: try Fixture.path("customers_tricky.csv"))
        #expect(summary.warningCount == 1)
        #expect(summary.warnings.first?.description.contains("customers_tricky.csv:19: column 'birth_date': \"NULL\"") == true)
    }

    @Test("importing the same files again updates in place and adds nothing")
    func reimportIsIdempotent() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let before = try records(database)
        let summary = try Importer(database: database).importFile(.orders, path: try Fixture.path("orders_tricky.csv"))
        #expect(summary.inserted == 0)
        #expect(summary.updated == 26)
        #expect(try records(database) == before)
    }

    @Test("exported CSV imports into a fresh database as the same records")
    func exportRoundTrips() throws {
        let sandbox = try Sandbox()
        let original = try Fixture.trickyDatabase(in: sandbox)
        let copy = try CRMDatabase(path: sandbox.path("copy.sqlite"))
        for kind in RecordKind.allCases {
            let path = sandbox.path("\(kind.rawValue).csv")
            let writer = try CSVWriter(path: path)
            try writer.write(row: kind.columns)
            try original.exportRecords(kind) { try writer.write(row: $0.map { $0 ?? "" }) }
            try writer.close()
            _ = try Importer(database: copy).importFile(kind, path: path)
        }
        #expect(try records(copy) == records(original))
        #expect(try records(copy).count == 56)
    }

    @Test("orders find their customer whatever the id looks like: 7, 007, text, a huge number")
    func customerIDShapes() throws {
        let sandbox = try Sandbox()
        let database = try sandbox.database()
        let customers = try sandbox.file("c.csv", "id,name\n7,Seven\n007,Bond\nA-1,Text\n999999999999,Huge\n")
        _ = try Importer(database: database).importFile(.customers, path: customers)
        let orders = try sandbox.file(
            "o.csv", "id,customer_id,ordered_at,amount\n1,7,2024-01-01,1.00\n2,007,2024-01-01,2.00\n3,A-1,2024-01-01,3.00\n4,999999999999,2024-01-01,4.00\n")
        _ = try Importer(database: database).importFile(.orders, path: orders)
        #expect(try database.activity(customerID: "7")?.monetary == 100)
        #expect(try database.activity(customerID: "007")?.monetary == 200)
        #expect(try database.activity(customerID: "A-1")?.monetary == 300)
        #expect(try database.activity(customerID: "999999999999")?.monetary == 400)
        let unknown = try sandbox.file("u.csv", "id,customer_id,ordered_at,amount\n5,07,2024-01-01,1.00\n")
        #expect(throws: CRMError.self) { try Importer(database: database).importFile(.orders, path: unknown) }
    }

    @Test("every import is recorded as a run with its counts")
    func importsAreRecorded() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let runs = try database.runs()
        #expect(runs.map(\.kind) == [.import, .import, .import])
        #expect(runs.map(\.inserted) == [10, 26, 20])
        #expect(runs.allSatisfy { $0.outcome == .succeeded })
    }
}
