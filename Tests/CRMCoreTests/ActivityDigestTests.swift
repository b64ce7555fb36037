import Foundation
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

    @Test("digests round-trip their entries")
    func encoding() {
        let orders = [
            ActivityDigest.OrderEntry(time: -5, amount: 1 << 40, quantity: -1, category: 7),
            ActivityDigest.OrderEntry(time: 1_735_689_600_000_000, amount: 0, quantity: 3, category: -1),
        ]
        var decoded: [ActivityDigest.OrderEntry] = []
        ActivityDigest.encode(orders: orders).withUnsafeBytes { ActivityDigest.forEachOrder($0) { decoded.append($0) } }
        #expect(decoded == orders)
    }
}
