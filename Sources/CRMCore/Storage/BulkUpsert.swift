import GRDB
import GRDBSQLite

/// Writes the rows of an import into one table with multi-row `INSERT ... ON CONFLICT(pk) DO
/// UPDATE` statements (`ON CONFLICT(text_id)` for an id that is not a number: see `RowKeys`):
/// `RowBuffer`s bound through `MultiRowStatement`, the mechanism `BatchedInsert` uses too.
///
/// A batch a row of which is refused is retried row by row. A row whose id was already written
/// by the same import is refused by a temporary trigger: that is how duplicate ids inside one
/// file are found without keeping every id in memory.
final class BulkUpsert {
    /// A row the database refused, with the reason in the user's words.
    struct Refusal: Equatable {
        let line: Int
        let reason: String
    }

    private let table: String
    /// The table columns of a row, in order, ending with `import_run`.
    let columns: [String]
    let rowsPerStatement: Int
    private let batchStatement: MultiRowStatement
    private let singleStatement: MultiRowStatement

    /// Rows written (inserted or updated) so far.
    private(set) var written = 0

    /// - Parameters:
    ///   - columns: the table columns each row fills, in order; `id` (which stands for the two
    ///     columns `pk` and `text_id`, see `RowBuffer.appendKey`) must be among them.
    ///     `import_run` is added by this type (`RowBuffer.endImportRow`).
    ///   - clearing: columns an empty (NULL) value clears on update; every other column keeps its
    ///     stored value when the new one is empty (`crm import --clear-empty` names the file's columns).
    init(db: Database, table: String, columns: [String], clearing: Set<String> = [], rowsPerStatement: Int = 100) throws {
        self.table = table
        // The user's id is two columns: the key, and the text of an id that is not a number (RowKeys).
        let columns = columns.flatMap { $0 == "id" ? ["pk", "text_id"] : [$0] } + ["import_run"]
        self.columns = columns
        let rowsPerStatement = max(1, min(rowsPerStatement, 32_766 / columns.count))
        self.rowsPerStatement = rowsPerStatement
        try db.execute(sql: """
            CREATE TEMP TRIGGER IF NOT EXISTS crm_duplicate_\(table)
            BEFORE UPDATE OF import_run ON main.\(table)
            WHEN OLD.import_run = NEW.import_run
            BEGIN SELECT RAISE(ABORT, 'crm: duplicate id in one import'); END
            """)
        let clearing = clearing.union(["import_run"])
        let updates = columns.filter { $0 != "pk" && $0 != "text_id" }.map { column in
            clearing.contains(column) ? "\(column) = excluded.\(column)" : "\(column) = coalesce(excluded.\(column), \(column))"
        }.joined(separator: ", ")
        let prefix = "INSERT INTO main.\(table) (\(columns.joined(separator: ", "))) VALUES"
        let suffix = """
            ON CONFLICT(pk) DO UPDATE SET \(updates)
            ON CONFLICT(text_id) WHERE text_id IS NOT NULL DO UPDATE SET \(updates)
            """
        batchStatement = try MultiRowStatement(db, prefix: prefix, width: columns.count, rows: rowsPerStatement, suffix: suffix)
        singleStatement = try MultiRowStatement(db, prefix: prefix, width: columns.count, rows: 1, suffix: suffix)
    }

    /// Drops the duplicate-detection trigger; call once the import is over.
    func close(db: Database) throws {
        try db.execute(sql: "DROP TRIGGER IF EXISTS temp.crm_duplicate_\(table)")
    }

    /// Writes every row of `buffer` (which must have this upsert's columns). Returns the rows
    /// the database refused.
    func write(_ buffer: RowBuffer) throws -> [Refusal] {
        try write(count: buffer.rowCount, line: { buffer.lines[$0] }) { $0.execute(buffer, from: $1) }
    }

    /// Writes the rows of `rows`, in its order.
    func write(_ rows: WriteOrder) throws -> [Refusal] {
        try write(count: rows.count, line: { rows[$0].buffer.lines[rows[$0].row] }) { $0.execute(rows, from: $1) }
    }

    /// Writes `count` rows, `rowsPerStatement` at a time through `execute(statement, first row)`.
    private func write(
        count rows: Int, line: (Int) -> Int, _ execute: (MultiRowStatement, Int) -> (code: Int32, message: String)
    ) throws -> [Refusal] {
        var refusals: [Refusal] = []
        var first = 0
        while first < rows {
            if rows - first >= rowsPerStatement {
                let outcome = execute(batchStatement, first)
                if outcome.code == SQLITE_DONE {
                    written += rowsPerStatement
                    first += rowsPerStatement
                    continue
                }
                guard isDuplicateRefusal(outcome) else { throw failure(outcome) }
            }
            // The rest, or a batch with a refused row: row by row, to name the line.
            let end = rows - first >= rowsPerStatement ? first + rowsPerStatement : rows
            for row in first..<end {
                let outcome = execute(singleStatement, row)
                if outcome.code == SQLITE_DONE {
                    written += 1
                } else if isDuplicateRefusal(outcome) {
                    refusals.append(Refusal(line: line(row), reason: "this id appears more than once in the file"))
                } else {
                    throw failure(outcome)
                }
            }
            first = end
        }
        return refusals
    }

    private func isDuplicateRefusal(_ outcome: (code: Int32, message: String)) -> Bool {
        (outcome.code & 0xff) == SQLITE_CONSTRAINT && outcome.message.contains("crm: duplicate id")
    }

    private func failure(_ outcome: (code: Int32, message: String)) -> CRMError {
        .internalInconsistency("writing \(table) failed (SQLite \(outcome.code)): \(outcome.message)")
    }
}

extension RowBuffer {
    /// Appends the row's id (nil when it is missing: the row will be discarded): a number is the
    /// key itself; any other id gets the next key of `keys`, kept only when the row is new.
    func appendKey(_ id: UnsafeBufferPointer<UInt8>?, keys: TextKeys) {
        guard let id else {
            appendNull()
            appendNull()
            return
        }
        if let number = RowKeys.number(id) {
            appendInteger(number)
            appendNull()
        } else {
            appendInteger(keys.next())
            appendText(id)
        }
    }

    /// Ends an import row: appends the run that wrote it (`import_run`).
    func endImportRow(runID: Int64) throws {
        appendInteger(runID)
        try endRow()
    }
}

/// The keys text ids get, counting down from below every key in use (`RowKeys.nextTextKey`).
final class TextKeys: @unchecked Sendable {
    private var key: Int64

    init(first: Int64) { key = first }

    func next() -> Int64 {
        defer { key -= 1 }
        return key
    }
}
