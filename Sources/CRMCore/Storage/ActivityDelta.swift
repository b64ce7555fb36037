import Foundation
import GRDB

/// What an import of orders or interactions tells the activity digests, batch by batch (or a
/// window of batches sorted by key at once); the import hands it every batch it wrote
/// (`ImportStore.keepingActivityCurrent`).
protocol ActivityChanges: AnyObject {
    /// Tells the columns of the rows the import writes (`BulkUpsert.columns`), before the first batch.
    func start(columns: [String]) throws
    /// Notes the rows of `buffers` the upsert wrote (every row but the `refused` ones), once
    /// they are all written.
    func note(_ buffers: [RowBuffer], refused: [BulkUpsert.Refusal]) throws
    /// Brings every touched customer's digest up to date; call once, after the last batch,
    /// with the table's secondary index in place.
    func finish() throws
}

/// Keeps the digests of one column current during an import from the rows in hand, without
/// reading the orders or interactions back (issue 13: "built from the rows in hand").
///
/// Each written row's entry is taken from the batch the import just wrote. An update of a known
/// id is seen by a temporary trigger that notes the row's old and new values (the stored row may
/// keep a value the file left empty, so the new entry comes from the row as written, not from
/// the file); the old entry comes out of its old customer's digest, the new one goes in. The
/// entries wait in memory, at most `entriesPerFlush` of them; then each touched customer's
/// stored digest is read (one blob), merged (`DigestMerge`) and written back, 100 customers per
/// statement (`BatchedInsert`). Customers whose merge is ambiguous (entries of the same instant,
/// see `DigestMerge`) are rebuilt from the table at the end, and only they.
///
/// Memory stays bounded: when a flush before the end would touch more than half of all
/// customers (a large file in time order, every customer everywhere), merging flush after flush
/// would rewrite every digest each time, so the import stops collecting and every digest is
/// rebuilt in one ordered scan at the end, as before this type existed.
final class ActivityDelta: ActivityChanges {
    typealias Entry = ActivityDigest.Entry

    /// An entry waiting to be merged into its customer's digest.
    private struct Pending {
        var customer: Int64
        var entry: Entry
    }

    /// Entries kept in memory before they are merged into the stored digests (32 bytes per order).
    static var defaultEntriesPerFlush: Int { 1 << 20 }

    private let entriesPerFlush: Int
    private let db: Database
    private let table: String
    private let column: ActivityStore.Column
    private let labels: ActivityStore.Labels
    private let customerCount: Int
    /// Positions in a written row: key, text id, customer, then `ActivityDigest.sourceColumns(column)`.
    private var positions: (key: Int, textID: Int, customer: Int, source: [Int]) = (0, 0, 0, [])
    private let replaced: RawStatement
    private let forgetReplaced: RawStatement
    private let storedDigest: RawStatement
    private var additions: [Pending] = []
    private var recentLabels: [(bytes: [UInt8], id: Int32)] = []
    private var removals: [Pending] = []
    /// Customers whose digest only a rebuild from the table can tell.
    private var rebuild: Set<Int64> = []
    /// Every digest is rebuilt at the end (see the type's comment).
    private var rebuildAll = false

    init(_ db: Database, _ column: ActivityStore.Column, entriesPerFlush: Int = defaultEntriesPerFlush) throws {
        let table = column.rawValue
        self.db = db
        self.column = column
        self.entriesPerFlush = max(1, entriesPerFlush)
        self.table = table
        labels = try ActivityStore.Labels(db)
        customerCount = try ImportStore.count(db, table: "customers")
        let source = ActivityDigest.sourceColumns(column)
        let replacedTable = "temp.crm_replaced_\(table)"
        try db.execute(sql: """
            CREATE TEMP TABLE IF NOT EXISTS crm_replaced_\(table)(
                old_customer, \(source.map { "old_\($0)" }.joined(separator: ", ")),
                new_pk, new_text_id, new_customer, \(source.map { "new_\($0)" }.joined(separator: ", ")));
            DELETE FROM \(replacedTable);
            CREATE TEMP TRIGGER IF NOT EXISTS crm_replaced_\(table) AFTER UPDATE ON main.\(table)
            BEGIN INSERT INTO crm_replaced_\(table) VALUES (
                OLD.customer_pk, \(source.map { "OLD.\($0)" }.joined(separator: ", ")),
                NEW.pk, NEW.text_id, NEW.customer_pk, \(source.map { "NEW.\($0)" }.joined(separator: ", "))); END;
            """)
        replaced = try RawStatement(db, sql: "SELECT * FROM \(replacedTable)")
        forgetReplaced = try RawStatement(db, sql: "DELETE FROM \(replacedTable)")
        storedDigest = try RawStatement(db, sql: "SELECT \(column.rawValue) FROM customer_activity WHERE customer_pk = ?")
    }

    func start(columns: [String]) throws {
        func position(_ name: String) throws -> Int {
            guard let index = columns.firstIndex(of: name) else {
                throw CRMError.internalInconsistency("an import of \(table) writes no \(name)")
            }
            return index
        }
        positions = (try position("pk"), try position("text_id"), try position("customer_pk"), try ActivityDigest.sourceColumns(column).map(position))
    }

    func note(_ buffers: [RowBuffer], refused: [BulkUpsert.Refusal]) throws {
        guard !rebuildAll else { return }
        // Updated rows, from the trigger: their entries as stored before and after.
        var updatedKeys: Set<Int64> = []
        var updatedTexts: Set<String> = []
        let width = Int32(ActivityDigest.sourceColumns(column).count)
        var any = false
        while try replaced.step() {
            any = true
            let old = try ActivityDigest.entry(
                column, integer: { replaced.optionalInt64(1 + Int32($0)) }, text: { replaced.text(width) }, labels: labels)
            removals.append(Pending(customer: replaced.int64(0), entry: old))
            let base = width + 1
            let new = try ActivityDigest.entry(
                column, integer: { replaced.optionalInt64(base + 3 + Int32($0)) }, text: { replaced.text(base + 2 + width) },
                labels: labels)
            additions.append(Pending(customer: replaced.int64(base + 2), entry: new))
            if let text = replaced.text(base + 1) { updatedTexts.insert(text) } else { updatedKeys.insert(replaced.int64(base)) }
        }
        replaced.reset()
        if any { try forgetReplaced.execute() }
        // Inserted rows, from the batch itself (values read in place: this loop runs on the
        // writer, the import's bottleneck, once per row).
        let refusedLines = Set(refused.map(\.line))
        for rows in buffers {
            let rowWidth = rows.width
            let values = rows.values
            let source = positions.source
            let isOrder = column == .orders
            func integer(_ position: Int) -> Int64? {
                if case .integer(let value) = values[position] { return value }
                return nil
            }
            try rows.arena.withUnsafeBufferPointer { arena in
                for row in 0..<rows.rowCount {
                    let base = row * rowWidth
                    if !refusedLines.isEmpty && refusedLines.contains(rows.lines[row]) { continue }
                    if any {
                        if case .text(let start, let count) = values[base + positions.textID] {
                            if updatedTexts.contains(String(decoding: UnsafeBufferPointer(rebasing: arena[Int(start)..<Int(start + count)]), as: UTF8.self)) { continue }
                        } else if let key = integer(base + positions.key), updatedKeys.contains(key) {
                            continue
                        }
                    }
                    guard let customer = integer(base + positions.customer) else { continue }
                    var entry = Entry(time: integer(base + source[0]) ?? 0, label: -1)
                    if isOrder {
                        entry.amount = integer(base + source[1]) ?? 0
                        entry.quantity = Int32(clamping: integer(base + source[2]) ?? -1)
                    }
                    if case .text(let start, let count) = values[base + source[source.count - 1]] {
                        entry.label = try label(UnsafeBufferPointer(rebasing: arena[Int(start)..<Int(start + count)]))
                    }
                    additions.append(Pending(customer: customer, entry: entry))
                }
            }
        }
        if additions.count + removals.count >= entriesPerFlush { try flush(last: false) }
    }

    /// The label id of a text, through a short list of the texts met so far (categories and
    /// kinds are few), so a row costs a byte comparison or two instead of a `String`.
    private func label(_ text: UnsafeBufferPointer<UInt8>) throws -> Int32 {
        for known in recentLabels where known.bytes.count == text.count {
            if known.bytes.withUnsafeBufferPointer({ $0.elementsEqual(text) }) { return known.id }
        }
        let id = try labels.id(String(decoding: text, as: UTF8.self))
        if recentLabels.count < 64 { recentLabels.append((Array(text), id)) }
        return id
    }

    func finish() throws {
        try db.execute(sql: "DROP TRIGGER IF EXISTS temp.crm_replaced_\(table); DELETE FROM temp.crm_replaced_\(table);")
        if !rebuildAll { try flush(last: true) }
        if rebuildAll || rebuild.count * 2 > customerCount {
            try ActivityStore.rebuild(db, column, customers: nil)
        } else if !rebuild.isEmpty {
            try ActivityStore.rebuild(db, column, customers: rebuild)
        }
    }

    /// Merges the entries in memory into the stored digests.
    private func flush(last: Bool) throws {
        additions.sort { $0.customer < $1.customer || ($0.customer == $1.customer && $0.entry.time < $1.entry.time) }
        removals.sort { $0.customer < $1.customer }
        if !last && distinctCustomers() * 2 > customerCount {
            rebuildAll = true
            additions = []
            removals = []
            try db.execute(sql: "DROP TRIGGER IF EXISTS temp.crm_replaced_\(table)")
            return
        }
        let name = column.rawValue
        let write = BatchedInsert(
            db, prefix: "INSERT INTO customer_activity(customer_pk, \(name)) VALUES", width: 2,
            suffix: "ON CONFLICT(customer_pk) DO UPDATE SET \(name) = excluded.\(name)")
        var a = 0
        var r = 0
        while a < additions.count || r < removals.count {
            let customer = min(
                a < additions.count ? additions[a].customer : .max, r < removals.count ? removals[r].customer : .max)
            let addEnd = end(of: customer, in: additions, from: a)
            let removeEnd = end(of: customer, in: removals, from: r)
            defer {
                a = addEnd
                r = removeEnd
            }
            if rebuild.contains(customer) { continue }
            storedDigest.bind(1, customer)
            let stored = try storedDigest.step() ? ActivityDigest.entries(column, storedDigest.blob(0)) : []
            storedDigest.reset()
            guard let merged = DigestMerge.merged(
                stored, removing: removals[r..<removeEnd].map(\.entry), adding: additions[a..<addEnd].map(\.entry))
            else {
                rebuild.insert(customer)
                continue
            }
            write.add(customer)
            if merged.isEmpty {
                write.addNull()
            } else {
                ActivityDigest.encode(column, merged).withUnsafeBytes { write.add(blob: $0) }
            }
            try write.endRow()
        }
        try write.flush()
        additions.removeAll(keepingCapacity: !last)
        removals.removeAll(keepingCapacity: !last)
    }

    private func end(of customer: Int64, in entries: [Pending], from start: Int) -> Int {
        var index = start
        while index < entries.count && entries[index].customer == customer { index += 1 }
        return index
    }

    private func distinctCustomers() -> Int {
        var count = 0
        var previous: Int64?
        for addition in additions where addition.customer != previous {
            count += 1
            previous = addition.customer
        }
        return count
    }
}
