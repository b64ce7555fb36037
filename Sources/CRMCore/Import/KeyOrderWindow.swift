/// Holds back the rows of an orders or interactions file that arrive out of key order and hands
/// them to the writer sorted by key, a window of rows at a time.
///
/// A file in time order (how shops export) names its orders' ids scattered over the whole table,
/// so writing rows as they come puts every insert on another page of the table's B-tree and the
/// page cache spills on every row. Sorted, a window's inserts walk the table's pages once, in
/// order (at L, chronological: `crm import orders` 209 s → 47 s with the foreign-key check off;
/// docs/decisions.md).
///
/// Nothing a user sees depends on the order rows are written in: the window is sorted stably,
/// so of two rows with one id the later line is still the one refused; windows are contiguous
/// runs of lines; the writer reports a window's problems in line order. The rows are not
/// copied: the writer binds them from their batches in the window's order (`WriteOrder`).
/// Rows in key order already (a file grouped by customer, or by id) pass straight through, and
/// a window with a text id (whose key is given by line, counting down) is written as read.
final class KeyOrderWindow {
    /// Rows per window: two windows of order rows (one written, one read) keep an import of
    /// 10M orders at ~440 MiB (docs/decisions.md).
    static let defaultCapacity = 393_216
    /// Rows per window.
    let capacity: Int
    private let keyColumn: Int
    private let textIDColumn: Int
    private let rowsPerBatch: Int
    private var held: [RecordBatch] = []
    private var rowsInWindow = 0
    private var lastKey = Int64.min
    private var hasTextID = false

    init(capacity: Int, keyColumn: Int, textIDColumn: Int, rowsPerBatch: Int) {
        self.capacity = max(1, capacity)
        self.keyColumn = keyColumn
        self.textIDColumn = textIDColumn
        self.rowsPerBatch = rowsPerBatch
    }

    /// Takes a filled batch. Returns it when it can go to the writer at once (no batch is held
    /// and its rows continue the key order), or the window once it is full, sorted; nil while
    /// the window is being held.
    func admit(_ batch: RecordBatch) -> BatchGroup? {
        let rows = batch.rows
        var inOrder = held.isEmpty
        for row in 0..<rows.rowCount {
            if rows.text(row: row, column: textIDColumn) != nil { hasTextID = true }
            let key = rows.integer(row: row, column: keyColumn) ?? .min
            if key < lastKey { inOrder = false }
            lastKey = key
        }
        rowsInWindow += rows.rowCount
        if inOrder {
            if rowsInWindow >= capacity { reset() }
            return BatchGroup(batches: [batch])
        }
        held.append(batch)
        return rowsInWindow >= capacity ? finish() : nil
    }

    /// Ends the window: the held batches with the order to write their rows in, sorted by key
    /// (as read when one has a text id); nil when none is held.
    func finish() -> BatchGroup? {
        defer { reset() }
        guard !held.isEmpty else { return nil }
        guard !hasTextID else { return BatchGroup(batches: held) }
        var keyed: [(key: Int64, row: WriteOrder.Row)] = []
        keyed.reserveCapacity(held.count * rowsPerBatch)
        for (index, batch) in held.enumerated() {
            for row in 0..<batch.rows.rowCount {
                keyed.append((batch.rows.integer(row: row, column: keyColumn) ?? .min, WriteOrder.Row(buffer: Int32(index), row: Int32(row))))
            }
        }
        // Stable: equal keys keep their line order, so the later of two rows with one id is refused.
        keyed.sort { ($0.key, $0.row.buffer, $0.row.row) < ($1.key, $1.row.buffer, $1.row.row) }
        return BatchGroup(batches: held, order: keyed.map(\.row))
    }

    private func reset() {
        held = []
        rowsInWindow = 0
        lastKey = .min
        hasTextID = false
    }
}
