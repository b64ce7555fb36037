import Foundation
import GRDB
import Testing

@testable import CRMCore

/// Profiles read each customer's activity digest, which every import keeps current.
@Suite("Activity digests kept current at import")
struct ActivityDigestTests {
    func value(_ table: ProfileTable, _ field: String, _ id: String) throws -> ProfileValue {
        let customer = try #require(table.index(of: id))
        let reader = try #require(ProfileField.all(for: table).first { $0.name == field })
        return reader.read(table, customer)
    }

    @Test("re-importing an order with a new amount and another customer updates both customers' profiles")
    func movedAndChangedOrder() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        // Order 1 (customer 1, 20.00) now belongs to customer 3 and costs 99.00.
        let path = try sandbox.file(
            "change.csv", "id,customer_id,ordered_at,amount\n1,3,2024-12-30T10:00:00Z,99.00\n")
        _ = try Importer(database: database).importFile(.orders, path: path)
        let table = try database.profiles(asOf: Plugins.asOf)
        #expect(try value(table, "order_count", "1") == .integer(2))
        #expect(try value(table, "monetary", "1") == .number(41.47))
        #expect(try value(table, "order_count", "3") == .integer(2))
        #expect(try value(table, "monetary", "3") == .number(123.99))
        #expect(try value(table, "recency_days", "3") == .integer(2))
    }

    @Test("a customer's only order moving away leaves them with no orders")
    func lastOrderMovesAway() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        // Customer 5's only order is order 9.
        let path = try sandbox.file("move.csv", "id,customer_id,ordered_at,amount\n9,20,2024-12-31T23:59:59Z,50.00\n")
        _ = try Importer(database: database).importFile(.orders, path: path)
        let table = try database.profiles(asOf: Plugins.asOf)
        #expect(try value(table, "order_count", "5") == .integer(0))
        #expect(try value(table, "recency_days", "5") == .missing)
        #expect(try value(table, "order_count", "20") == .integer(4))
    }

    @Test("new interactions count for the customer after the next import")
    func newInteractions() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let path = try sandbox.file(
            "more.csv", "id,customer_id,kind,occurred_at\n100,7,inquiry,2024-12-20T00:00:00Z\n101,7,call,2024-12-21T00:00:00Z\n")
        _ = try Importer(database: database).importFile(.interactions, path: path)
        let table = try database.profiles(asOf: Plugins.asOf)
        #expect(try value(table, "interactions_30d", "7") == .integer(2))
        #expect(try value(table, "inquiry_90d", "7") == .integer(1))
        #expect(try value(table, "days_since_last_interaction", "7") == .integer(11))
    }

    @Test("a refused import leaves the digests as they were")
    func refusedImport() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let path = try sandbox.file("bad.csv", "id,customer_id,ordered_at,amount\n500,1,2024-12-31,5.00\n501,1,2024-12-31,abc\n")
        #expect(throws: CRMError.self) { try Importer(database: database).importFile(.orders, path: path) }
        #expect(try value(try database.profiles(asOf: Plugins.asOf), "order_count", "1") == .integer(3))
    }

    @Test("digests round-trip their entries, whatever the times, amounts and labels")
    func encoding() {
        let orders = [
            ActivityDigest.OrderEntry(time: -5, amount: 1 << 40, quantity: -1, category: 7),
            ActivityDigest.OrderEntry(time: 1_735_689_600_000_000, amount: 0, quantity: 3, category: -1),
            ActivityDigest.OrderEntry(time: 1_735_689_600_000_000, amount: -1999, quantity: .max, category: .max),
            ActivityDigest.OrderEntry(time: 1_735_689_600_000_001, amount: .min, quantity: .min, category: .min),
            ActivityDigest.OrderEntry(time: .min, amount: .max, quantity: 0, category: 0),
            ActivityDigest.OrderEntry(time: .max, amount: 1, quantity: 1, category: 1),
            ActivityDigest.OrderEntry(time: -1_500_000, amount: 5, quantity: 2, category: 3),
            ActivityDigest.OrderEntry(time: 0, amount: 5, quantity: 5, category: 13),
            ActivityDigest.OrderEntry(time: 0, amount: 5, quantity: 6, category: 14),
            ActivityDigest.OrderEntry(time: 0, amount: 5, quantity: -2, category: -2),
            ActivityDigest.OrderEntry(time: 0, amount: 5, quantity: 1_000, category: 100_000),
        ]
        var decoded: [ActivityDigest.OrderEntry] = []
        ActivityDigest.encode(orders: orders).withUnsafeBytes { ActivityDigest.forEachOrder($0) { decoded.append($0) } }
        #expect(decoded == orders)
        let interactions = [
            ActivityDigest.InteractionEntry(time: 999_999, kind: 0), ActivityDigest.InteractionEntry(time: -999_999, kind: -1),
            ActivityDigest.InteractionEntry(time: .min, kind: .max), ActivityDigest.InteractionEntry(time: .max, kind: .min),
        ]
        var decodedInteractions: [ActivityDigest.InteractionEntry] = []
        ActivityDigest.encode(interactions: interactions).withUnsafeBytes {
            ActivityDigest.forEachInteraction($0) { decodedInteractions.append($0) }
        }
        #expect(decodedInteractions == interactions)
    }

    @Test("an order a month after the one before, in cents, takes under 9 bytes; a cut blob yields its whole entries")
    func compactness() {
        let start: Int64 = 1_700_000_000_000_000
        let month: Int64 = 30 * 86_400 * 1_000_000
        let orders = (0..<12).map {
            ActivityDigest.OrderEntry(time: start + Int64($0) * month + 3_600_000_000, amount: 4_999 + Int64($0) * 100, quantity: 1, category: 3)
        }
        let data = ActivityDigest.encode(orders: orders)
        #expect(data.count < 9 * orders.count)
        #expect(data.count > 0 && ActivityDigest.encode(orders: []).isEmpty)
        var decoded: [ActivityDigest.OrderEntry] = []
        data.dropLast().withUnsafeBytes { ActivityDigest.forEachOrder($0) { decoded.append($0) } }
        #expect(decoded == Array(orders.dropLast()))
    }

    @Test("a database whose digests have fixed-width entries is migrated to the compact form, its profiles unchanged")
    func migratesFixedWidthDigests() throws {
        let sandbox = try Sandbox()
        let path = sandbox.path("crm.sqlite")
        func fixed(_ values: [(Int64, Int)]) -> String {
            "X'" + values.map { value, width in
                (0..<width).map { String(format: "%02X", UInt8(truncatingIfNeeded: value >> (8 * Int64($0)))) }.joined()
            }.joined() + "'"
        }
        let day: Int64 = 86_400_000_000
        do {
            let old = try DatabaseQueue(path: path)
            try Schema.migrator.migrate(old, upTo: Schema.keptProfile)
            try old.write { db in
                try db.execute(sql: """
                    INSERT INTO settings VALUES ('currency', 'USD');
                    INSERT INTO labels(id, text) VALUES (0, 'books'), (1, 'call');
                    INSERT INTO customers(pk, name, created_at) VALUES (1, 'One', 0), (2, 'Two', 0);
                    INSERT INTO orders(pk, customer_pk, ordered_at, amount, quantity, category)
                        VALUES (1, 1, \(10 * day), 2000, 2, 'books'), (2, 1, \(20 * day), 550, NULL, NULL), (3, 2, \(30 * day), 100, 1, 'books');
                    INSERT INTO interactions(pk, customer_pk, kind, occurred_at) VALUES (1, 2, 'call', \(25 * day));
                    INSERT INTO customer_activity(customer_pk, orders, interactions) VALUES
                        (1, \(fixed([(10 * day, 8), (2000, 8), (2, 4), (0, 4), (20 * day, 8), (550, 8), (-1, 4), (-1, 4)])), NULL),
                        (2, \(fixed([(30 * day, 8), (100, 8), (1, 4), (0, 4)])), \(fixed([(25 * day, 8), (1, 4)])));
                    """)
            }
        }
        let database = try CRMDatabase(path: path)
        let stored = try database.read { db in
            try Row.fetchAll(db, sql: "SELECT customer_pk, orders, interactions FROM customer_activity ORDER BY customer_pk")
        }
        func orders(_ row: Row) -> [ActivityDigest.OrderEntry] {
            var entries: [ActivityDigest.OrderEntry] = []
            (row[1] as Data? ?? Data()).withUnsafeBytes { ActivityDigest.forEachOrder($0) { entries.append($0) } }
            return entries
        }
        #expect(stored.count == 2)
        #expect(orders(stored[0]) == [
            .init(time: 10 * day, amount: 2000, quantity: 2, category: 0), .init(time: 20 * day, amount: 550, quantity: -1, category: -1),
        ])
        #expect(orders(stored[1]) == [.init(time: 30 * day, amount: 100, quantity: 1, category: 0)])
        var interactions: [ActivityDigest.InteractionEntry] = []
        (stored[1][2] as Data? ?? Data()).withUnsafeBytes { ActivityDigest.forEachInteraction($0) { interactions.append($0) } }
        #expect(interactions == [.init(time: 25 * day, kind: 1)])
        let table = try database.profiles(asOf: Timestamp(microsecondsSinceEpoch: 40 * day))
        #expect(try value(table, "order_count", "1") == .integer(2))
        #expect(try value(table, "monetary", "1") == .number(25.50))
        #expect(try value(table, "recency_days", "2") == .integer(10))
    }
}
