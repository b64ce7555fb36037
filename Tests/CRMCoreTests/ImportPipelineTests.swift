import Foundation
import Testing

@testable import CRMCore

/// The import parses on one thread and writes on another (issue 13); across many batches the
/// outcome is what one thread gave: every good row written, every bad one named by its line.
@Suite("Importing with a parser thread and a writer")
struct ImportPipelineTests {
    static let header = "id,customer_id,ordered_at,product,category,quantity,unit_price,amount\n"

    /// 2,500 orders of the fixture's customer 1; line numbers are 1 + the order's position.
    static func orders(bad: [Int: String]) -> String {
        Self.header + (1...2_500).map { index in
            bad[index] ?? "\(10_000 + index),1,2024-01-01T00:00:00Z,Pen,Office,1,1.50,1.50\n"
        }.joined()
    }

    @Test("--skip-invalid over many batches: bad values and repeated ids rejected by line, the rest written")
    func skipInvalidAcrossBatches() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let before = try database.counts()[.orders] ?? 0
        let bad = [
            7: "10007,1,2024-01-01T00:00:00Z,Pen,Office,1,1.50,abc\n",
            150: "10003,1,2024-01-01T00:00:00Z,Pen,Office,1,1.50,1.50\n",  // the id of line 4 again
            1_001: "11001,C-404,2024-01-01T00:00:00Z,Pen,Office,1,1.50,1.50\n",
            2_499: "10001,1,2024-01-01T00:00:00Z,Pen,Office,1,1.50,1.50\n",  // the id of line 2 again
        ]
        let path = try sandbox.file("orders.csv", Self.orders(bad: bad))
        var options = ImportOptions()
        options.skipInvalid = true
        let summary = try Importer(database: database).importFile(.orders, path: path, options: options)
        #expect(summary.recordsRead == 2_500)
        #expect(summary.rejected == 4 && summary.inserted == 2_496)
        #expect(try database.counts()[.orders] == before + 2_496)
        let reader = try CSVReader(path: try #require(summary.rejectsPath))
        var lines: [String] = []
        var reasons: [String] = []
        while let record = try reader.next() {
            lines.append(record.strings[0])
            reasons.append(record.strings[1])
        }
        #expect(lines == ["8", "151", "1002", "2500"])
        #expect(reasons[1].contains("more than once") && reasons[3].contains("more than once"))
        #expect(reasons[2].contains("not a known customer"))
    }

    @Test("all or nothing over many batches: the problems are listed in line order and nothing is written")
    func allOrNothingAcrossBatches() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let before = try records(database)
        let bad = [
            2_000: "10005,1,2024-01-01T00:00:00Z,Pen,Office,1,1.50,1.50\n",
            300: "10300,1,2024-13-01T00:00:00Z,Pen,Office,1,1.50,1.50\n",
        ]
        let path = try sandbox.file("orders.csv", Self.orders(bad: bad))
        var problems: [ImportProblem] = []
        do {
            _ = try Importer(database: database).importFile(.orders, path: path)
        } catch let error as CRMError {
            problems = error.importProblems
        }
        #expect(problems.map(\.line) == [301, 2_001])
        #expect(problems[0].description.contains("column 'ordered_at'") && problems[1].description.contains("more than once"))
        #expect(try records(database) == before)
    }
}

@Suite("Secondary indexes around a large import")
struct DeferredIndexTests {
    static func indexes(_ database: CRMDatabase) throws -> [String] {
        try database.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'orders' AND sql IS NOT NULL ORDER BY name")
        }
    }

    @Test("a large import into a table that has rows keeps its index (rebuilt after the load), and a refused one leaves it as it was")
    func largeImportIntoSmallTable() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let before = try Self.indexes(database)
        #expect(before.contains("orders_by_customer"))
        let existing = try database.counts()[.orders] ?? 0
        #expect(existing > 0)
        // Far more bytes than 128 per existing row: the index is dropped and built after the load.
        let large = ImportPipelineTests.orders(bad: [:])
        #expect(large.utf8.count >= existing * ImportStore.bytesPerRecordAtMost)
        let refused = try sandbox.file("bad.csv", ImportPipelineTests.orders(bad: [9: "x,1,2024-01-01,Pen,Office,1,1.50,abc\n"]))
        #expect(throws: CRMError.self) { try Importer(database: database).importFile(.orders, path: refused) }
        #expect(try Self.indexes(database) == before)
        _ = try Importer(database: database).importFile(.orders, path: try sandbox.file("large.csv", large))
        #expect(try Self.indexes(database) == before)
        #expect(try database.orders(customerID: "1")?.count == 2_500 + (try Fixture.trickyDatabase(in: Sandbox()).orders(customerID: "1")?.count ?? 0))
        #expect(try Self.columns(database, "orders_by_customer") == ["customer_pk"])
    }

    static func columns(_ database: CRMDatabase, _ index: String) throws -> [String] {
        try database.read { db in try String.fetchAll(db, sql: "SELECT name FROM pragma_index_info(?) ORDER BY seqno", arguments: [index]) }
    }

    @Test("orders and interactions are indexed by customer alone, not by customer and time (8 bytes a row smaller)")
    func slimIndexes() throws {
        let database = try Fixture.trickyDatabase(in: try Sandbox())
        #expect(try Self.columns(database, "orders_by_customer") == ["customer_pk"])
        #expect(try Self.columns(database, "interactions_by_customer") == ["customer_pk"])
    }
}
