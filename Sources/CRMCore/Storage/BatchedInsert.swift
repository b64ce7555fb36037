import GRDB

/// Inserts rows 100 at a time with one multi-row statement, for the bulk writes of a
/// segmentation run and of field values: a `RowBuffer` written through a `MultiRowStatement`,
/// the mechanism `BulkUpsert` uses for imports.
///
/// A row is added value by value and ended with `endRow()`; texts are copied into the buffer's
/// reused byte arena that SQLite reads without copying again, so a row costs no allocation.
final class BatchedInsert {
    private let db: Database
    private let prefix: String
    private let suffix: String
    private let rowsPerStatement: Int
    private let buffer: RowBuffer
    private var full: MultiRowStatement?
    /// Statements of 64, 32, …, 1 rows for what is left when a flush finds the buffer not full
    /// (prepared once each: preparing a statement per flush cost more than the rows).
    private var partial: [Int: MultiRowStatement] = [:]
    /// Read for every value added: not checked for exclusive access at run time (see `RowBuffer`).
    @exclusivity(unchecked) private var rowOpen = false

    /// - Parameters:
    ///   - prefix: `INSERT INTO table(a, b, c) VALUES`
    ///   - suffix: what follows the values, e.g. an `ON CONFLICT` clause.
    init(_ db: Database, prefix: String, width: Int, suffix: String = "", rowsPerStatement: Int = 100) {
        self.db = db
        self.prefix = prefix
        self.suffix = suffix
        self.rowsPerStatement = rowsPerStatement
        buffer = RowBuffer(width: width, rows: rowsPerStatement)
    }

    private func open() {
        if !rowOpen {
            buffer.beginRow()
            rowOpen = true
        }
    }

    func add(_ value: Int64) {
        open()
        buffer.appendInteger(value)
    }

    func add(_ text: String?) {
        open()
        buffer.appendText(text)
    }

    func add(bytes: UnsafeBufferPointer<UInt8>) {
        open()
        buffer.appendText(bytes)
    }

    func add(blob: UnsafeRawBufferPointer) {
        open()
        buffer.appendBlob(blob)
    }

    func addNull() {
        open()
        buffer.appendNull()
    }

    /// Whether ending the next row writes the statement (so rows it refers to must be written first).
    var isOneRowFromFull: Bool { buffer.rowCount + 1 == rowsPerStatement }

    /// Ends the row of the values added since the last one; writes when a statement is full.
    func endRow() throws {
        open()
        try buffer.endRow()
        rowOpen = false
        if buffer.rowCount == rowsPerStatement { try flush() }
    }

    /// Writes every buffered row.
    func flush() throws {
        let rows = buffer.rowCount
        guard rows > 0 else { return }
        if rows == rowsPerStatement {
            if full == nil { full = try MultiRowStatement(db, prefix: prefix, width: buffer.width, rows: rows, suffix: suffix) }
            try full?.run(buffer, from: 0)
        } else {
            var first = 0
            while first < rows {
                var size = 1
                while size * 2 <= rows - first { size *= 2 }
                if partial[size] == nil {
                    partial[size] = try MultiRowStatement(db, prefix: prefix, width: buffer.width, rows: size, suffix: suffix)
                }
                try partial[size]?.run(buffer, from: first)
                first += size
            }
        }
        buffer.removeAll()
    }
}
