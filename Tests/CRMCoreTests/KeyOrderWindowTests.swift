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

    /// The (key, line) of each row of `groups`, in the order the writer writes them.
    static func written(_ groups: [BatchGroup]) -> [(key: Int64, line: Int)] {
        groups.flatMap { group in
            let rows: [(RowBuffer, Int)] = group.order.map { order in order.map { (group.batches[Int($0.buffer)].rows, Int($0.row)) } }
                ?? group.batches.flatMap { batch in (0..<batch.rows.rowCount).map { (batch.rows, $0) } }
            return rows.map { ($0.0.integer(row: $0.1, column: 0)!, $0.0.lines[$0.1]) }
        }
    }

    /// The groups `window` hands over when it takes `batch` (or, with nil, at the end of the file).
    static func admit(_ window: KeyOrderWindow, _ batch: RecordBatch?) throws -> [BatchGroup] {
        var out: [BatchGroup] = []
        let take = { RecordBatch(width: 3, rows: 3) }
        if let batch {
            #expect(try window.admit(batch, take: take, emit: { out.append($0); return true }))
        } else {
            #expect(try window.finish(take: take, emit: { out.append($0); return true }))
        }
        return out
    }

    @Test("rows out of order are held until the window is full, then come out sorted; equal keys keep their line order")
    func sortsHeldRowsStably() throws {
        let window = KeyOrderWindow(capacity: 9, keyColumn: 0, textIDColumn: 1, rowsPerBatch: 3)
        #expect(try Self.admit(window, try Self.batch([5, 9, 3], line: 2)).isEmpty)
        #expect(try Self.admit(window, try Self.batch([7, 3, 1], line: 5)).isEmpty)
        let out = try Self.admit(window, try Self.batch([9, 2, 8], line: 8))
        #expect(Self.written(out).map(\.key) == [1, 2, 3, 3, 5, 7, 8, 9, 9])
        #expect(Self.written(out).map(\.line) == [7, 9, 4, 6, 2, 5, 10, 3, 8])
        #expect(out.count == 1 && out.first?.batches.count == 3 && out.first?.order != nil)
        // The next window starts afresh.
        let next = try Self.admit(window, try Self.batch([10, 11, 12], line: 11))
        #expect(Self.written(next).map(\.line) == [11, 12, 13] && next.first?.order == nil)
    }

    @Test("rows already in key order pass straight through; the first row out of order starts holding")
    func inOrderPassesThrough() throws {
        let window = KeyOrderWindow(capacity: 100, keyColumn: 0, textIDColumn: 1, rowsPerBatch: 3)
        #expect(Self.written(try Self.admit(window, try Self.batch([1, 2, 3], line: 2))).map(\.key) == [1, 2, 3])
        #expect(Self.written(try Self.admit(window, try Self.batch([3, 4, 6], line: 5))).map(\.key) == [3, 4, 6])
        #expect(try Self.admit(window, try Self.batch([8, 5, 7], line: 8)).isEmpty)
        #expect(try Self.admit(window, try Self.batch([9, 10, 11], line: 11)).isEmpty)
        #expect(Self.written(try Self.admit(window, nil)).map(\.key) == [5, 7, 8, 9, 10, 11])
        #expect(try Self.admit(window, nil).isEmpty)
    }

    @Test("a window with a text id is written as read (a text id's key counts down by line)")
    func textIDsKeepLineOrder() throws {
        let window = KeyOrderWindow(capacity: 6, keyColumn: 0, textIDColumn: 1, rowsPerBatch: 3)
        #expect(try Self.admit(window, try Self.batch([5, 3, -1], line: 2, textIDs: [-1])).isEmpty)
        let out = try Self.admit(window, try Self.batch([-2, 4, 1], line: 5, textIDs: [-2]))
        #expect(Self.written(out).map(\.line) == [2, 3, 4, 5, 6, 7] && out.first?.order == nil)
    }

    @Test("spilled windows come back merged in key order at the end, equal keys in line order, every value intact")
    func spilledRunsMerge() throws {
        let window = KeyOrderWindow(capacity: 3, keyColumn: 0, textIDColumn: 1, rowsPerBatch: 3, runs: SortedRuns(width: 3, keyColumn: 0))
        var emptied: [BatchGroup] = []
        for (keys, line) in [([5, 9, 3], 2), ([7, 3, 1], 5), ([9, 2, 8], 8)] as [([Int64], Int)] {
            // Spilled (on another thread): a window's batch goes to the writer emptied (its problems
            // stay in it) once the next window is full.
            let out = try Self.admit(window, try Self.batch(keys, line: line))
            #expect(Self.written(out).isEmpty && out.count == (line == 2 ? 0 : 1))
            emptied += out
        }
        let all = try Self.admit(window, nil)
        #expect(all.first.map { Self.written([$0]).isEmpty && $0.batches.count == 1 } == true, "the last window's batch, emptied")
        #expect(emptied.count == 2 && emptied.allSatisfy { $0.batches.count == 1 && $0.order == nil })
        let merged = Array(all.dropFirst())
        #expect(Self.written(merged).map(\.key) == [1, 2, 3, 3, 5, 7, 8, 9, 9])
        #expect(Self.written(merged).map(\.line) == [7, 9, 4, 6, 2, 5, 10, 3, 8])
        #expect(merged.allSatisfy { $0.order == nil && $0.batches.count == 1 && $0.batches[0].rows.rowCount <= 3 })
        let texts = merged.flatMap { group in (0..<group.batches[0].rows.rowCount).map { group.batches[0].rows.text(row: $0, column: 2) } }
        #expect(texts == Self.written(merged).map { "line \($0.line)" })
        #expect(merged.flatMap { group in (0..<group.batches[0].rows.rowCount).map { group.batches[0].rows.text(row: $0, column: 1) } }.allSatisfy { $0 == nil })
    }

    @Test("a folder for the runs that cannot be written is named in the error")
    func unwritableFolder() throws {
        let runs = SortedRuns(width: 3, keyColumn: 0, folder: "/nonexistent-crm-folder")
        let batch = try Self.batch([2, 1], line: 2)
        #expect {
            try runs.spill(WriteOrder(buffers: [batch.rows], order: [.init(buffer: 0, row: 1), .init(buffer: 0, row: 0)]))
        } throws: { error in
            "\(error)".contains("/nonexistent-crm-folder") && "\(error)".contains("TMPDIR")
        }
    }

    @Test("by default, only a file larger than four windows is spilled")
    func spillsLargeFiles() {
        #expect(!SortedRuns.Use.forLargeFiles.spills(fileBytes: 70_464_932, windowRows: KeyOrderWindow.defaultCapacity))
        #expect(SortedRuns.Use.forLargeFiles.spills(fileBytes: 225_103_348, windowRows: KeyOrderWindow.defaultCapacity))
        #expect(SortedRuns.Use.forLargeFiles.spills(fileBytes: 4 * 64 * 37 + 64, windowRows: 37))
        #expect(!SortedRuns.Use.forLargeFiles.spills(fileBytes: 4 * 64 * 37, windowRows: 37))
        #expect(SortedRuns.Use.always.spills(fileBytes: 0, windowRows: 37) && !SortedRuns.Use.never.spills(fileBytes: 1 << 40, windowRows: 37))
    }

    @Test("rows in key order after a spilled window wait for it: nothing is written before the rows of earlier lines")
    func inOrderAfterSpill() throws {
        let window = KeyOrderWindow(capacity: 3, keyColumn: 0, textIDColumn: 1, rowsPerBatch: 3, runs: SortedRuns(width: 3, keyColumn: 0))
        #expect(Self.written(try Self.admit(window, try Self.batch([3, 2, 1], line: 2))).isEmpty)
        // In key order on its own, but a window is being spilled: held, not passed through.
        #expect(Self.written(try Self.admit(window, try Self.batch([10, 11, 12], line: 5))).isEmpty)
        #expect(Self.written(try Self.admit(window, nil)).map(\.key) == [1, 2, 3, 10, 11, 12])
    }

    @Test("past the most runs held, the runs are merged and handed over before the next one is spilled")
    func tooManyRuns() throws {
        let window = KeyOrderWindow(
            capacity: 3, keyColumn: 0, textIDColumn: 1, rowsPerBatch: 3, runs: SortedRuns(width: 3, keyColumn: 0, maximumRuns: 2))
        #expect(Self.written(try Self.admit(window, try Self.batch([6, 5, 4], line: 2))).isEmpty)
        #expect(Self.written(try Self.admit(window, try Self.batch([3, 2, 1], line: 5))).isEmpty)
        let third = try Self.admit(window, try Self.batch([2, 9, 0], line: 8))
        #expect(Self.written(third).map(\.key) == [1, 2, 3, 4, 5, 6])
        #expect(Self.written(try Self.admit(window, nil)).map(\.key) == [0, 2, 9])
    }

    @Test("a window with a text id is written after the runs spilled before it, and rows in order after a merge pass through")
    func textIDWindowAfterRuns() throws {
        let window = KeyOrderWindow(capacity: 3, keyColumn: 0, textIDColumn: 1, rowsPerBatch: 3, runs: SortedRuns(width: 3, keyColumn: 0))
        #expect(Self.written(try Self.admit(window, try Self.batch([4, 2, 3], line: 2))).isEmpty)
        let out = try Self.admit(window, try Self.batch([-1, 9, 1], line: 5, textIDs: [-1]))
        #expect(Self.written(out).map(\.line) == [3, 4, 2, 5, 6, 7])
        #expect(Self.written(try Self.admit(window, try Self.batch([10, 11, 12], line: 8))).map(\.line) == [8, 9, 10])
        #expect(try Self.admit(window, nil).isEmpty)
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
    static func outcome(of file: String, window: Int, spill: Bool = true, skipInvalid: Bool, maxProblems: Int = 20) throws -> [String] {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let path = try sandbox.file("orders.csv", file)
        var options = ImportOptions()
        options.skipInvalid = skipInvalid
        options.maxProblems = maxProblems
        options.keyOrderWindowRows = window
        options.sortedRuns = spill ? .always : .never
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
        for (window, spill) in [(1, true), (7, true), (37, true), (700, true), (KeyOrderWindow.defaultCapacity, true), (1, false), (37, false), (700, false)] {
            #expect(try Self.outcome(of: file, window: window, spill: spill, skipInvalid: true) == asRead, "window \(window), spilled \(spill)")
        }
        // All or nothing, stopping after the first five problems: the same five, by line.
        let refused = try Self.outcome(of: file, window: 0, skipInvalid: false, maxProblems: 5)
        #expect(refused.prefix(5).allSatisfy { $0.hasPrefix("orders.csv:") } && !refused[5].hasPrefix("orders.csv:"))
        for (window, spill) in [(7, true), (37, true), (KeyOrderWindow.defaultCapacity, true), (37, false)] {
            #expect(try Self.outcome(of: file, window: window, spill: spill, skipInvalid: false, maxProblems: 5) == refused, "window \(window), spilled \(spill)")
        }
    }

    /// Updates passed on by a reporter, from whichever thread.
    final class SeenUpdates: @unchecked Sendable {
        private let lock = NSLock()
        private var updates: [ProgressReporter.Update] = []
        func add(_ update: ProgressReporter.Update) { lock.withLock { updates.append(update) } }
        var all: [ProgressReporter.Update] { lock.withLock { updates } }
    }

    @Test("a spilled import shows progress while reading, then while the merged runs are written, never going back")
    func progressOfSpilledImport() throws {
        let file = Self.shuffledOrders(seed: 4, rows: 1_500)
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let path = try sandbox.file("orders.csv", file)
        let seen = SeenUpdates()
        let reporter = ProgressReporter(interval: .zero, now: { .zero }, emit: seen.add)
        let total = file.utf8.count
        reporter.begin("orders.csv", unit: "rows", total: total)
        var options = ImportOptions()
        options.skipInvalid = true
        options.keyOrderWindowRows = 37
        options.sortedRuns = .always
        options.progress = reporter
        options.progressInterval = 10
        _ = try Importer(database: database).importFile(.orders, path: path, options: options)
        let updates = seen.all
        let done = updates.map(\.done)
        #expect(done == done.sorted())
        let reading = updates.filter { $0.count < 1_500 }
        let writing = updates.filter { $0.count == 1_500 }
        #expect(!reading.isEmpty && reading.allSatisfy { $0.done <= total / 2 }, "reading counts for the first half")
        #expect(Set(writing.map(\.done)).count >= 5 && (done.last ?? 0) >= total * 9 / 10, "writing the merged runs for the second")
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
