import Foundation
import GRDB
import Testing

@testable import CRMCore

/// Issue 13: a numeric id is the row's integer key, any other id goes through `text_id`; both
/// import, re-import updates, and a database of the old schema is migrated.
@Suite("Integer keys for numeric ids, a text mapping for the others")
struct IntegerKeyTests {
    static let customersHeader = "id,name,city\n"
    static let ordersHeader = "id,customer_id,ordered_at,product,category,quantity,unit_price,amount\n"

    static func keys(_ database: CRMDatabase, _ table: String) throws -> [String: Int64] {
        try database.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, pk FROM \(table)").map { ($0[0] as String, $0[1] as Int64) })
        }
    }

    @Test("text-id and numeric-id customers and orders both import; a number is the key, a text a negative key")
    func bothForms() throws {
        let sandbox = try Sandbox()
        let database = try sandbox.database()
        let importer = Importer(database: database)
        let customers = try sandbox.file("c.csv", Self.customersHeader + "17,Ann,Oslo\nC-00017,Bob,Rome\n007,Cy,Lima\n7,Dee,Kyiv\n")
        let first = try importer.importFile(.customers, path: customers)
        #expect(first.inserted == 4 && first.updated == 0)
        let keys = try Self.keys(database, "customers")
        #expect(keys["17"] == 17 && keys["7"] == 7)
        #expect((keys["C-00017"] ?? 0) < 0 && (keys["007"] ?? 0) < 0 && keys["007"] != keys["C-00017"])
        #expect(try database.customer(id: "007")?.name == "Cy")
        #expect(try database.customer(id: "7")?.name == "Dee")
        #expect(try database.customer(id: "C-00017")?.name == "Bob")
        #expect(try database.customer(id: "0017") == nil)

        let orders = try sandbox.file(
            "o.csv",
            Self.ordersHeader + "1,17,2024-01-01T00:00:00Z,Pen,Office,1,1.00,1.00\nO-2,C-00017,2024-01-02T00:00:00Z,Ink,Office,2,1.00,2.00\n"
                + "3,007,2024-01-03T00:00:00Z,Pad,Office,1,3.00,3.00\n")
        _ = try importer.importFile(.orders, path: orders)
        let orderKeys = try Self.keys(database, "orders")
        #expect(orderKeys["1"] == 1 && orderKeys["3"] == 3 && (orderKeys["O-2"] ?? 0) < 0)
        #expect(try database.orders(customerID: "C-00017")?.map(\.id) == ["O-2"])
        #expect(try database.orders(customerID: "007")?.map(\.id) == ["3"])
        #expect(try database.orders(customerID: "7")?.isEmpty == true)
        #expect(try database.activity(customerID: "17")?.orderCount == 1)
    }

    @Test("re-importing known ids updates their rows, for numbers and texts alike")
    func reimportUpdates() throws {
        let sandbox = try Sandbox()
        let database = try sandbox.database()
        let importer = Importer(database: database)
        _ = try importer.importFile(.customers, path: try sandbox.file("a.csv", Self.customersHeader + "17,Ann,Oslo\nC-1,Bob,Rome\n"))
        let before = try Self.keys(database, "customers")
        let second = try importer.importFile(
            .customers, path: try sandbox.file("b.csv", Self.customersHeader + "C-1,Bob,Paris\n17,Ann,Bergen\n18,New,Nice\n"))
        #expect(second.inserted == 1 && second.updated == 2)
        #expect(try database.customer(id: "17")?.city == "Bergen")
        #expect(try database.customer(id: "C-1")?.city == "Paris")
        let after = try Self.keys(database, "customers")
        #expect(after["C-1"] == before["C-1"] && after["17"] == 17 && after.count == 3)

        let orders = Self.ordersHeader + "5,17,2024-01-01T00:00:00Z,Pen,Office,1,1.00,1.00\nX-5,C-1,2024-01-01T00:00:00Z,Pen,Office,1,1.00,1.00\n"
        _ = try importer.importFile(.orders, path: try sandbox.file("o1.csv", orders))
        let again = try importer.importFile(.orders, path: try sandbox.file("o2.csv", orders.replacingOccurrences(of: "C-1,", with: "18,")))
        #expect(again.inserted == 0 && again.updated == 2)
        #expect(try database.orders(customerID: "18")?.map(\.id) == ["X-5"])
        #expect(try database.orders(customerID: "C-1")?.isEmpty == true)
    }

    @Test("an id twice in one file is refused at its second line, number or text")
    func duplicatesInOneFile() throws {
        let sandbox = try Sandbox()
        let database = try sandbox.database()
        let path = try sandbox.file("c.csv", Self.customersHeader + "17,Ann,Oslo\nC-1,Bob,Rome\n17,Ann,Bergen\nC-1,Bob,Paris\n")
        var problems: [ImportProblem] = []
        do {
            _ = try Importer(database: database).importFile(.customers, path: path)
        } catch let error as CRMError {
            problems = error.importProblems
        }
        #expect(problems.map(\.line) == [4, 5])
        #expect(problems.allSatisfy { $0.description.contains("more than once") })
        #expect(try database.customer(id: "17") == nil, "all or nothing")
    }

    @Test("an anonymised numeric customer moves to a text key; importing the old id again makes a new customer")
    func anonymisedCustomerMoves() throws {
        let sandbox = try Sandbox()
        let database = try sandbox.database()
        let importer = Importer(database: database)
        _ = try importer.importFile(.customers, path: try sandbox.file("c.csv", Self.customersHeader + "17,Ann,Oslo\n"))
        _ = try importer.importFile(.orders, path: try sandbox.file("o.csv", Self.ordersHeader + "5,17,2024-01-01T00:00:00Z,Pen,Office,1,1.00,1.00\n"))
        let counts = try database.eraseCustomer(id: "17", anonymize: true, personalFields: [])
        #expect(try database.customer(id: "17") == nil)
        #expect(try database.orders(customerID: counts.anonymousID ?? "")?.map(\.id) == ["5"])
        let reimport = try importer.importFile(.customers, path: try sandbox.file("c2.csv", Self.customersHeader + "17,Ann,Oslo\n"))
        #expect(reimport.inserted == 1)
        #expect(try database.orders(customerID: "17")?.isEmpty == true)
        #expect(try database.customer(id: counts.anonymousID ?? "")?.name == nil)
    }

    @Test("a database of the old schema (v8, text ids with their own keys) is migrated: every reference follows its customer")
    func migratesOldSchema() throws {
        let sandbox = try Sandbox()
        let path = sandbox.path("crm.sqlite")
        do {
            let old = try DatabaseQueue(path: path)
            try Schema.migrator.migrate(old, upTo: "v8: customer merges")
            try old.write { db in
                try db.execute(sql: """
                    INSERT INTO settings VALUES ('currency', 'USD');
                    INSERT INTO runs(id, kind, subject, as_of, started_at, outcome) VALUES (1, 'segmentation', 'rfm', 0, 0, 'succeeded');
                    -- keys deliberately unlike the ids: "2" has key 1, "1" has key 2, "C-9" key 3
                    INSERT INTO customers(pk, id, name) VALUES (1, '2', 'Two'), (2, '1', 'One'), (3, 'C-9', 'Nine'), (4, '007', 'Bond');
                    INSERT INTO orders(pk, id, customer_pk, ordered_at, amount) VALUES (1, '10', 1, 0, 100), (2, 'O-1', 2, 0, 200), (3, '11', 3, 0, 300);
                    INSERT INTO interactions(pk, id, customer_pk, kind, occurred_at) VALUES (1, 'I-1', 3, 'call', 0), (2, '5', 1, 'call', 0);
                    INSERT INTO memberships VALUES ('rfm', 1, 'Loyal', NULL, 1, 0), ('rfm', 2, 'Lost', NULL, 1, 0), ('rfm', 3, 'New', NULL, 1, 0);
                    INSERT INTO transitions(run_id, segmentation, customer_pk, from_segment, to_segment, as_of) VALUES (1, 'rfm', 2, NULL, 'Lost', 0);
                    INSERT INTO customer_fields(customer_pk, field, value) VALUES (1, 'tier', '"gold"'), (2, 'tier', '"tin"');
                    INSERT INTO customer_tags VALUES (2, 'vip', 0, NULL), (3, 'press', 0, NULL);
                    """)
                try ActivityStore.rebuild(db, .orders, customers: nil)
                try ActivityStore.rebuild(db, .interactions, customers: nil)
            }
        }
        let database = try CRMDatabase(path: path)
        let keys = try Self.keys(database, "customers")
        #expect(keys["1"] == 1 && keys["2"] == 2 && (keys["C-9"] ?? 0) < 0 && (keys["007"] ?? 0) < 0)
        #expect(try database.customer(id: "2")?.name == "Two" && database.customer(id: "1")?.name == "One")
        #expect(try database.orders(customerID: "2")?.map(\.id) == ["10"])
        #expect(try database.orders(customerID: "1")?.map(\.id) == ["O-1"])
        #expect(try database.orders(customerID: "C-9")?.map(\.id) == ["11"])
        #expect(try database.interactions(customerID: "2")?.map(\.id) == ["5"])
        #expect(try Self.keys(database, "orders") == ["10": 10, "11": 11, "O-1": try Self.keys(database, "orders")["O-1"] ?? 0])
        #expect(try database.memberships(customerID: "2").map(\.segment) == ["Loyal"])
        #expect(try database.memberships(customerID: "1").map(\.segment) == ["Lost"])
        #expect(try database.transitions(customerID: "1").map(\.to) == ["Lost"])
        #expect(try database.fieldValues(customerID: "2") == ["tier": "\"gold\""])
        #expect(try database.tags(customerID: "1") == ["vip"])
        #expect(try database.tags(customerID: "C-9") == ["press"])
        #expect(try database.activity(customerID: "C-9")?.orderCount == 1)
        let orphans = try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM pragma_foreign_key_check") }
        #expect(orphans == 0)
        // The migrated database imports as usual: a known id updates its row.
        let sandboxFile = try sandbox.file("c.csv", Self.customersHeader + "1,Uno,Roma\nC-9,Nueve,Lima\n")
        let summary = try Importer(database: database).importFile(.customers, path: sandboxFile)
        #expect(summary.inserted == 0 && summary.updated == 2)
        #expect(try database.customer(id: "C-9")?.city == "Lima")
    }
}

@Suite("Resolving customer ids of orders")
struct CustomerDirectoryKeyTests {
    @Test("customers 0, a huge number, a padded number and a text id are all found; an unknown number is refused")
    func resolvesEveryForm() throws {
        let sandbox = try Sandbox()
        let database = try sandbox.database()
        let importer = Importer(database: database)
        _ = try importer.importFile(
            .customers, path: try sandbox.file("c.csv", "id,name\n0,Zero\n999999999999999999,Huge\n0042,Padded\nC-1,Text\n42,Plain\n"))
        let orders = "id,customer_id,ordered_at,product,category,quantity,unit_price,amount\n"
            + ["0", "999999999999999999", "0042", "C-1", "42"].enumerated().map { "\($0.offset + 1),\($0.element),2024-01-01T00:00:00Z,Pen,Office,1,1.00,1.00\n" }.joined()
        let summary = try importer.importFile(.orders, path: try sandbox.file("o.csv", orders))
        #expect(summary.inserted == 5)
        for id in ["0", "999999999999999999", "0042", "C-1", "42"] {
            #expect(try database.orders(customerID: id)?.count == 1, "\(id)")
        }
        var problems: [ImportProblem] = []
        do {
            _ = try importer.importFile(.orders, path: try sandbox.file("u.csv", "id,customer_id,ordered_at,product,category,quantity,unit_price,amount\n9,43,2024-01-01T00:00:00Z,Pen,Office,1,1.00,1.00\n"))
        } catch let error as CRMError {
            problems = error.importProblems
        }
        #expect(problems.first?.description.contains("\"43\" is not a known customer") == true)
    }
}
