import Foundation
import GRDB
import Testing

@testable import CRMCore

/// Imports build the activity digests from the rows they write (`ActivityDelta`), never by
/// reading every touched customer's rows back; whatever the import, each digest must be the one
/// `ActivityStore.rebuild` gives from the tables.
@Suite("Activity digests from the rows in hand")
struct DigestFromRowsTests {
    private struct Rollback: Error {}

    /// Every customer's two digests as stored, a missing row or NULL as empty.
    static func digests(_ db: Database) throws -> [Int64: [Data]] {
        var result: [Int64: [Data]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT customer_pk, orders, interactions FROM customer_activity") {
            let value = [(row[1] as Data?) ?? Data(), (row[2] as Data?) ?? Data()]
            if value.contains(where: { !$0.isEmpty }) { result[row[0]] = value }
        }
        return result
    }

    /// The digests as stored, and as a rebuild from the tables makes them (rolled back).
    static func storedAndRebuilt(_ database: CRMDatabase) throws -> (stored: [Int64: [Data]], rebuilt: [Int64: [Data]]) {
        var stored: [Int64: [Data]] = [:]
        var rebuilt: [Int64: [Data]] = [:]
        do {
            try database.write { db in
                stored = try digests(db)
                try ActivityStore.rebuild(db, .orders, customers: nil)
                try ActivityStore.rebuild(db, .interactions, customers: nil)
                rebuilt = try digests(db)
                throw Rollback()
            }
        } catch is Rollback {}
        return (stored, rebuilt)
    }

    static let customers = (1...24).map(String.init) + ["C-1", "C-2", "C-3", "007"]

    /// An orders file: known and new ids (numbers and texts), instants from a small set so
    /// customers get several entries at one instant, sometimes a column left out or empty, a
    /// duplicate id, a bad amount or an unknown customer.
    private static func ordersFile(_ random: inout SplitMix64, rows: Int) -> String {
        let optional = ["product", "category", "quantity", "unit_price"].filter { _ in Bool.random(using: &random) }
        var text = (["id", "customer_id", "ordered_at", "amount"] + optional).joined(separator: ",") + "\n"
        for _ in 0..<rows {
            let id = Int.random(in: 0..<10, using: &random) == 0 ? "O-\(Int.random(in: 1...12, using: &random))" : String(Int.random(in: 1...max(90, 2 * rows), using: &random))
            var customer = customers.randomElement(using: &random)!
            if Int.random(in: 0..<40, using: &random) == 0 { customer = "nobody" }
            let day = Int.random(in: 1...6, using: &random)
            let second = Int.random(in: 0..<3, using: &random) == 0 ? 0 : Int.random(in: 0..<50, using: &random)
            var amount = ["5.00", "7.50", "12.00", "0.99"].randomElement(using: &random)!
            if Int.random(in: 0..<50, using: &random) == 0 { amount = "abc" }
            let quantity = Int.random(in: 1...3, using: &random)
            var row = [id, customer, "2024-03-0\(day)T10:00:\(second < 10 ? "0" : "")\(second)Z", amount]
            for column in optional {
                switch column {
                case "product": row.append(["Pen", "Ink", ""].randomElement(using: &random)!)
                case "category": row.append(["Office", "Toys", "", "Beauty"].randomElement(using: &random)!)
                case "quantity": row.append(String(quantity))
                default: row.append("5.00")
                }
            }
            text += row.joined(separator: ",") + "\n"
        }
        return text
    }

    private static func interactionsFile(_ random: inout SplitMix64, rows: Int) -> String {
        var text = "id,customer_id,kind,occurred_at\n"
        for _ in 0..<rows {
            let id = Int.random(in: 0..<10, using: &random) == 0 ? "I-\(Int.random(in: 1...12, using: &random))" : String(Int.random(in: 1...max(90, 2 * rows), using: &random))
            let customer = Int.random(in: 0..<40, using: &random) == 0 ? "nobody" : customers.randomElement(using: &random)!
            let kind = Int.random(in: 0..<50, using: &random) == 0 ? "telepathy" : ["call", "inquiry", "page_view"].randomElement(using: &random)!
            let minute = Int.random(in: 0..<12, using: &random)
            text += "\(id),\(customer),\(kind),2024-03-01T10:\(minute < 10 ? "0" : "")\(minute):00Z\n"
        }
        return text
    }

    @Test("random imports, re-imports, moves and rejects in several batches leave every digest equal to a rebuild",
          arguments: [(seed: UInt64(1), inMemory: 1 << 20), (seed: 2, inMemory: 1 << 20), (seed: 3, inMemory: 7), (seed: 4, inMemory: 40)])
    func randomImports(seed: UInt64, inMemory: Int) throws {
        let sandbox = try Sandbox()
        let database = try sandbox.database()
        let importer = Importer(database: database)
        _ = try importer.importFile(
            .customers, path: try sandbox.file("c.csv", "id,name\n" + Self.customers.map { "\($0),x" }.joined(separator: "\n") + "\n"))
        var random = SplitMix64(state: seed)
        var imported = 0
        for round in 0..<16 {
            let kind: RecordKind = Bool.random(using: &random) ? .orders : .interactions
            // Early files are large enough for 100-row statements (a duplicate id then makes the
            // upsert retry its statement row by row); later ones are small re-imports.
            let rows = Int.random(in: 1...(round < 4 ? 320 : 25), using: &random)
            let text = kind == .orders ? Self.ordersFile(&random, rows: rows) : Self.interactionsFile(&random, rows: rows)
            var options = ImportOptions()
            options.skipInvalid = Int.random(in: 0..<4, using: &random) != 0
            options.clearEmpty = Int.random(in: 0..<3, using: &random) == 0
            options.digestEntriesInMemory = inMemory
            let path = try sandbox.file("f\(round).csv", text)
            if (try? importer.importFile(kind, path: path, options: options)) != nil { imported += 1 }
            let (stored, rebuilt) = try Self.storedAndRebuilt(database)
            let differing = Set(stored.keys).union(rebuilt.keys).filter { stored[$0] != rebuilt[$0] }.sorted()
            #expect(differing.isEmpty, "seed \(seed), round \(round), \(kind.rawValue): customers \(differing) differ from a rebuild")
            if stored != rebuilt { return }
        }
        #expect(imported > 8)
    }

    @Test("a file grouped by customer is merged into the digests flush by flush, also when re-imported with moves")
    func groupedFlushes() throws {
        let sandbox = try Sandbox()
        let database = try sandbox.database()
        let importer = Importer(database: database)
        _ = try importer.importFile(
            .customers, path: try sandbox.file("c.csv", "id,name\n" + Self.customers.map { "\($0),x" }.joined(separator: "\n") + "\n"))
        var options = ImportOptions()
        options.digestEntriesInMemory = 50  // each flush touches a few customers, fewer than half
        var id = 0
        var first = "id,customer_id,ordered_at,category,amount\n"
        var second = first
        for (index, customer) in Self.customers.enumerated() {
            for order in 0..<11 {
                id += 1
                first += "\(id),\(customer),2024-0\(1 + order % 9)-1\(index % 10)T08:00:00Z,Toys,\(order).50\n"
                let moved = id % 7 == 0 ? Self.customers[(index + 3) % Self.customers.count] : customer
                second += "\(id),\(moved),2024-0\(1 + order % 9)-1\(index % 10)T09:00:00Z,Office,\(order).75\n"
            }
        }
        for (name, text) in [("first.csv", first), ("second.csv", second)] {
            _ = try importer.importFile(.orders, path: try sandbox.file(name, text), options: options)
            let (stored, rebuilt) = try Self.storedAndRebuilt(database)
            #expect(!stored.isEmpty && stored == rebuilt, "\(name)")
        }
    }

    @Test("a re-import of every row with nothing changed leaves the digests as they were")
    func unchangedReimport() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let before = try database.read { try Self.digests($0) }
        let importer = Importer(database: database)
        for kind in [RecordKind.orders, .interactions] {
            _ = try importer.importFile(kind, path: try Fixture.path("\(kind.rawValue)_tricky.csv"))
        }
        #expect(try database.read { try Self.digests($0) } == before)
        let (stored, rebuilt) = try Self.storedAndRebuilt(database)
        #expect(stored == rebuilt)
    }

    typealias Entry = ActivityDigest.Entry

    @Test("merging gives up exactly where entries of one instant would need their row keys")
    func mergeRules() {
        let a = Entry(time: 10, label: 1)
        let b = Entry(time: 10, label: 2)
        let c = Entry(time: 20, label: 1)
        #expect(DigestMerge.merged([a, c], removing: [], adding: [Entry(time: 15, label: 3), Entry(time: 5, label: 3)])
            == [Entry(time: 5, label: 3), a, Entry(time: 15, label: 3), c])
        #expect(DigestMerge.merged([a, c], removing: [], adding: [a]) == [a, a, c])  // equal entries: any order
        #expect(DigestMerge.merged([a, c], removing: [], adding: [b]) == nil)  // b before or after a: row keys decide
        #expect(DigestMerge.merged([c], removing: [], adding: [a, b]) == nil)
        #expect(DigestMerge.merged([a, b, c], removing: [a], adding: []) == [b, c])
        #expect(DigestMerge.merged([a, b, a], removing: [a], adding: []) == nil)  // which a goes decides the order
        #expect(DigestMerge.merged([a, a, c], removing: [a], adding: []) == [a, c])
        #expect(DigestMerge.merged([a, c], removing: [b], adding: []) == nil)  // not stored: rebuild
        #expect(DigestMerge.merged([a, b, c], removing: [a], adding: [a]) == nil)
        #expect(DigestMerge.merged([a, c], removing: [a], adding: [b]) == [b, c])
    }
}
