import Foundation
import GRDB
import Testing

@testable import CRMCore

/// Rows of an orders or interactions file that arrive out of key order are written sorted by key,
/// a window at a time (`KeyOrderWindow`), for speed only: nothing a user sees may depend on it.
@Suite("Writing a window of rows in key order")
struct KeyOrderWindowTests {
    /// A batch of rows (key, text id) read from consecutive lines starting at `line`.
    static func batch(_ keys: [Int64], line: Int, textIDs: Set<Int64> = []) throws -> RecordBatch {
        let batch = RecordBatch(width: 3, rows: 3)
        for (offset, key) in keys.enumerated() {
            batch.rows.beginRow(line: line + offset)
            batch.rows.appendInteger(key)
            batch.rows.appendText(textIDs.contains(key) ? "T-\(key)" : nil)
            batch.rows.appendText("line \(line + offset)")
            try batch.rows.endRow()
        }
        return batch
    }

    /// The (key, line) of each row of `group`, in the order the writer writes them.
    static func written(_ group: BatchGroup?) -> [(key: Int64, line: Int)] {
        guard let group else { return [] }
        let rows: [(RowBuffer, Int)] = group.order.map { order in order.map { (group.batches[Int($0.buffer)].rows, Int($0.row)) } }
            ?? group.batches.flatMap { batch in (0..<batch.rows.rowCount).map { (batch.rows, $0) } }
        return rows.map { ($0.0.integer(row: $0.1, column: 0)!, $0.0.lines[$0.1]) }
    }

    @Test("rows out of order are held until the window is full, then come out sorted; equal keys keep their line order")
    func sortsHeldRowsStably() throws {
        let window = KeyOrderWindow(capacity: 9, keyColumn: 0, textIDColumn: 1, rowsPerBatch: 3)
        #expect(window.admit(try Self.batch([5, 9, 3], line: 2)) == nil)
        #expect(window.admit(try Self.batch([7, 3, 1], line: 5)) == nil)
        let out = window.admit(try Self.batch([9, 2, 8], line: 8))
        #expect(Self.written(out).map(\.key) == [1, 2, 3, 3, 5, 7, 8, 9, 9])
        #expect(Self.written(out).map(\.line) == [7, 9, 4, 6, 2, 5, 10, 3, 8])
        #expect(out?.batches.count == 3 && out?.order != nil)
        // The next window starts afresh.
        let next = window.admit(try Self.batch([10, 11, 12], line: 11))
        #expect(Self.written(next).map(\.line) == [11, 12, 13] && next?.order == nil)
    }

    @Test("rows already in key order pass straight through; the first row out of order starts holding")
    func inOrderPassesThrough() throws {
        let window = KeyOrderWindow(capacity: 100, keyColumn: 0, textIDColumn: 1, rowsPerBatch: 3)
        #expect(Self.written(window.admit(try Self.batch([1, 2, 3], line: 2))).map(\.key) == [1, 2, 3])
        #expect(Self.written(window.admit(try Self.batch([3, 4, 6], line: 5))).map(\.key) == [3, 4, 6])
        #expect(window.admit(try Self.batch([8, 5, 7], line: 8)) == nil)
        #expect(window.admit(try Self.batch([9, 10, 11], line: 11)) == nil)
        #expect(Self.written(window.finish()).map(\.key) == [5, 7, 8, 9, 10, 11])
        #expect(window.finish() == nil)
    }

    @Test("a window with a text id is written as read (a text id's key counts down by line)")
    func textIDsKeepLineOrder() throws {
        let window = KeyOrderWindow(capacity: 6, keyColumn: 0, textIDColumn: 1, rowsPerBatch: 3)
        #expect(window.admit(try Self.batch([5, 3, -1], line: 2, textIDs: [-1])) == nil)
        let out = window.admit(try Self.batch([-2, 4, 1], line: 5, textIDs: [-2]))
        #expect(Self.written(out).map(\.line) == [2, 3, 4, 5, 6, 7] && out?.order == nil)
    }

    // MARK: - Imports

    /// Orders in random id order over the fixture's customers, some ids known from the fixture
    /// (updates), some repeated in the file, some bad values and unknown customers.
    static func shuffledOrders(seed: UInt64, rows: Int) -> String {
        var random = SplitMix64(state: seed)
        var text = ImportPipelineTests.header
        for _ in 0..<rows {
            let id = Int.random(in: 0..<30, using: &random) == 0 ? Int.random(in: 1...12, using: &random) : Int.random(in: 1_000...(1_000 + 3 * rows), using: &random)
            var customer = String(Int.random(in: 1...20, using: &random))
            if Int.random(in: 0..<60, using: &random) == 0 { customer = "nobody" }
            var amount = ["5.00", "7.50", "12.00"].randomElement(using: &random)!
            if Int.random(in: 0..<60, using: &random) == 0 { amount = "abc" }
            let day = Int.random(in: 10...28, using: &random)
            text += "\(id),\(customer),2024-02-\(day)T10:00:00Z,Pen,Office,1,\(amount),\(amount)\n"
        }
        return text
    }

    /// Everything an import leaves behind: the records, the digests, the summary's counts and
    /// the rejects file (or the problems of a refused import).
    static func outcome(of file: String, window: Int, skipInvalid: Bool, maxProblems: Int = 20) throws -> [String] {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let path = try sandbox.file("orders.csv", file)
        var options = ImportOptions()
        options.skipInvalid = skipInvalid
        options.maxProblems = maxProblems
        options.keyOrderWindowRows = window
        var result: [String] = []
        do {
            let summary = try Importer(database: database).importFile(.orders, path: path, options: options)
            result.append("inserted \(summary.inserted) updated \(summary.updated) rejected \(summary.rejected)")
            if let rejects = summary.rejectsPath { result.append(try String(contentsOfFile: rejects, encoding: .utf8)) }
        } catch let error as CRMError {
            result += error.importProblems.map { $0.description.replacingOccurrences(of: path, with: "orders.csv") }
        }
        result += try records(database)
        result += try database.read { db in try DigestFromRowsTests.digests(db).sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" } }
        return result
    }

    @Test("an import in windows of any size gives the rows, digests and problems of one written as read", arguments: [1, 2, 3])
    func windowsChangeNothing(seed: UInt64) throws {
        let file = Self.shuffledOrders(seed: seed, rows: 1_500)
        let asRead = try Self.outcome(of: file, window: 0, skipInvalid: true)
        #expect(asRead[0].hasPrefix("inserted") && !asRead[0].contains("rejected 0"))
        for window in [1, 37, 700, KeyOrderWindow.defaultCapacity] {
            #expect(try Self.outcome(of: file, window: window, skipInvalid: true) == asRead, "window \(window)")
        }
        // All or nothing, stopping after the first five problems: the same five, by line.
        let refused = try Self.outcome(of: file, window: 0, skipInvalid: false, maxProblems: 5)
        #expect(refused.prefix(5).allSatisfy { $0.hasPrefix("orders.csv:") } && !refused[5].hasPrefix("orders.csv:"))
        for window in [37, KeyOrderWindow.defaultCapacity] {
            #expect(try Self.outcome(of: file, window: window, skipInvalid: false, maxProblems: 5) == refused, "window \(window)")
        }
    }

    @Test("an orders import, written without SQLite's foreign-key check, leaves the check on for the next writer")
    func foreignKeysBackOn() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let path = try sandbox.file("orders.csv", Self.shuffledOrders(seed: 9, rows: 50))
        var options = ImportOptions()
        options.skipInvalid = true
        _ = try Importer(database: database).importFile(.orders, path: path, options: options)
        #expect(try database.write { db in try Int.fetchOne(db, sql: "PRAGMA foreign_keys") } == 1)
        #expect(throws: (any Error).self) {
            try database.write { db in
                try db.execute(sql: "INSERT INTO orders(pk, customer_pk, ordered_at, amount) VALUES (99999, 424242, 0, 1)")
            }
        }
    }
}
