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
///
/// With `runs`, a full window is not handed over but spilled to a temporary file, sorted
/// (`SortedRuns`), on another thread while the parser reads the next window; at the end of the
/// file (or before a window with a text id, or when too many runs are held) the runs are merged and their rows handed over in key order, so the table is
/// written in one ascending pass (at L, chronological: `crm import orders` 46.8 s → 33.0 s, see
/// docs/decisions.md). The spilled window's batches still go to the writer, emptied of their
/// rows, to report their problems and be reused. Once a run is held, every batch joins a window
/// until the runs are merged: no row may be written before the rows of earlier lines.
final class KeyOrderWindow {
    /// Rows per window: two windows in memory (one spilled or written, one read) keep an import
    /// of 10M orders at ~440 MiB (docs/decisions.md).
    static let defaultCapacity = 393_216
    /// Rows per window.
    let capacity: Int
    private let keyColumn: Int
    private let textIDColumn: Int
    private let rowsPerBatch: Int
    private let runs: SortedRuns?
    private var held: [RecordBatch] = []
    private var rowsInWindow = 0
    private var lastKey = Int64.min
    private var hasTextID = false
    /// The window being sorted and spilled on another thread while the parser reads the next.
    private var spilling: (batches: [RecordBatch], work: Background<Result<Void, Error>>)?

    /// Whether full windows are spilled (and merged at the end of the file).
    var spills: Bool { runs != nil }

    init(capacity: Int, keyColumn: Int, textIDColumn: Int, rowsPerBatch: Int, runs: SortedRuns? = nil) {
        self.capacity = max(1, capacity)
        self.keyColumn = keyColumn
        self.textIDColumn = textIDColumn
        self.rowsPerBatch = rowsPerBatch
        self.runs = runs
    }

    /// Takes a filled batch, and hands `emit` what can go to the writer now: the batch itself
    /// when it continues the key order and nothing is held, else the window once it is full
    /// (sorted, or spilled and emptied). `take` gives a batch to fill when runs are merged.
    /// False when `emit` returned false (the writer gave up).
    func admit(_ batch: RecordBatch, take: () -> RecordBatch, emit: (BatchGroup) -> Bool) throws -> Bool {
        let rows = batch.rows
        // Nothing held, being spilled or spilled (`runs` is read only while no spill is running).
        var inOrder = held.isEmpty && spilling == nil && (runs?.isEmpty ?? true)
        for row in 0..<rows.rowCount {
            if rows.text(row: row, column: textIDColumn) != nil { hasTextID = true }
            let key = rows.integer(row: row, column: keyColumn) ?? .min
            if key < lastKey { inOrder = false }
            lastKey = key
        }
        rowsInWindow += rows.rowCount
        if inOrder {
            if rowsInWindow >= capacity { reset() }
            return emit(BatchGroup(batches: [batch]))
        }
        held.append(batch)
        return rowsInWindow >= capacity ? try endWindow(take: take, emit: emit) : true
    }

    /// Ends the file: hands over the window held and every row of the runs, in key order.
    func finish(take: () -> RecordBatch, emit: (BatchGroup) -> Bool) throws -> Bool {
        guard try endWindow(take: take, emit: emit) else { return false }
        return try mergeRuns(take: take, emit: emit)
    }

    /// Hands over the held batches with the order to write their rows in, sorted by key, or
    /// spills them sorted; a window with a text id goes as read, after the runs.
    private func endWindow(take: () -> RecordBatch, emit: (BatchGroup) -> Bool) throws -> Bool {
        let batches = held
        let textID = hasTextID
        reset()
        guard !batches.isEmpty else { return true }
        guard !textID else {
            guard try mergeRuns(take: take, emit: emit) else { return false }
            return emit(BatchGroup(batches: batches))
        }
        guard let runs else { return emit(BatchGroup(batches: batches, order: Self.sorted(batches, keyColumn: keyColumn, rowsPerBatch: rowsPerBatch))) }
        // One window is spilled at a time, on another thread, while the parser reads the next.
        guard try endSpill(emit: emit) else { return false }
        if runs.isFull { guard try mergeRuns(take: take, emit: emit) else { return false } }
        let (keyColumn, rowsPerBatch) = (keyColumn, rowsPerBatch)
        spilling = (batches, Background {
            Result { try runs.spill(WriteOrder(buffers: batches.map(\.rows), order: Self.sorted(batches, keyColumn: keyColumn, rowsPerBatch: rowsPerBatch))) }
        })
        return true
    }

    /// The order to write `batches`' rows in: by key, stable (equal keys keep their line order,
    /// so the later of two rows with one id is refused).
    private static func sorted(_ batches: [RecordBatch], keyColumn: Int, rowsPerBatch: Int) -> [WriteOrder.Row] {
        var keyed: [(key: Int64, row: WriteOrder.Row)] = []
        keyed.reserveCapacity(batches.count * rowsPerBatch)
        for (index, batch) in batches.enumerated() {
            for row in 0..<batch.rows.rowCount {
                keyed.append((batch.rows.integer(row: row, column: keyColumn) ?? .min, WriteOrder.Row(buffer: Int32(index), row: Int32(row))))
            }
        }
        keyed.sort { ($0.key, $0.row.buffer, $0.row.row) < ($1.key, $1.row.buffer, $1.row.row) }
        return keyed.map(\.row)
    }

    /// Waits for the window being spilled, then hands its batches over emptied of their rows
    /// (their problems stay, for the writer to report).
    private func endSpill(emit: (BatchGroup) -> Bool) throws -> Bool {
        guard let spilled = spilling else { return true }
        spilling = nil
        try spilled.work.wait().get()
        for batch in spilled.batches { batch.rows.removeAll() }
        return emit(BatchGroup(batches: spilled.batches))
    }

    /// Hands over every row of the runs, in key order, a batch at a time.
    private func mergeRuns(take: () -> RecordBatch, emit: (BatchGroup) -> Bool) throws -> Bool {
        guard try endSpill(emit: emit) else { return false }
        guard let runs, !runs.isEmpty else { return true }
        var filling: RecordBatch?
        var going = true
        try runs.merge(
            rowsPerBuffer: rowsPerBatch,
            take: {
                let batch = take()
                filling = batch
                return batch.rows
            },
            emit: { _ in
                guard let batch = filling else { return false }
                going = emit(BatchGroup(batches: [batch]))
                return going
            })
        return going
    }

    private func reset() {
        held = []
        rowsInWindow = 0
        lastKey = .min
        hasTextID = false
    }
}
