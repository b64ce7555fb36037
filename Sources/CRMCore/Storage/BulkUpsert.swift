import GRDB
import GRDBSQLite

/// Writes many rows into one table with multi-row `INSERT ... ON CONFLICT(pk) DO UPDATE`
/// statements (or `ON CONFLICT(text_id)` for an id that is not a number: see `RowKeys`), the fastest crash-safe way SQLite offers (see `bench/RESULTS.md`).
///
/// Rows are buffered with their text in one byte arena, so a batch is bound without copies and
/// can be retried row by row when one of its rows is refused. A row whose id was already written
/// by the same import is refused by a temporary trigger: that is how duplicate ids inside one
/// file are found without keeping every id in memory.
final class BulkUpsert {
    /// A row the database refused, with the reason in the user's words.
    struct Refusal: Equatable {
        let line: Int
        let reason: String
    }

    private enum Value {
        case null
        case integer(Int64)
        case text(start: Int, count: Int)
    }

    private let connection: OpaquePointer
    private let table: String
    private let columns: [String]
    private let runID: Int64
    private let rowsPerStatement: Int
    private var batchStatement: OpaquePointer?
    private var singleStatement: OpaquePointer?
    private var values: [Value] = []
    private var lines: [Int] = []
    private var arena: [UInt8] = []
    private var rowStart: (value: Int, arena: Int)?

    /// Rows waiting for the next statement.
    var bufferedRows: Int { lines.count }

    /// Rows written (inserted or updated) so far.
    private(set) var written = 0
    private let clearing: Set<String>
    /// The key the next text id gets (an update of a known text id leaves it unused).
    private var nextTextKey: Int64

    /// - Parameters:
    ///   - columns: the table columns each row fills, in order; `id` must be among them.
    ///     `import_run` is added by this type.
    ///   - runID: the run doing the import; rows carry it so a second write of one id is found.
    ///   - clearing: columns an empty (NULL) value clears on update; every other column keeps its
    ///     stored value when the new one is empty (`crm import --clear-empty` names the file's columns).
    init(db: Database, table: String, columns: [String], runID: Int64, clearing: Set<String> = [], rowsPerStatement: Int = 100) throws {
        guard let connection = db.sqliteConnection else {
            throw CRMError.internalInconsistency("database connection is closed")
        }
        self.connection = connection
        self.table = table
        // The user's id is two columns: the key, and the text of an id that is not a number (RowKeys).
        self.columns = columns.flatMap { $0 == "id" ? ["pk", "text_id"] : [$0] } + ["import_run"]
        nextTextKey = try RowKeys.nextTextKey(db, table)
        self.runID = runID
        self.clearing = clearing.union(["import_run"])
        self.rowsPerStatement = max(1, min(rowsPerStatement, 32_766 / self.columns.count))
        try db.execute(sql: """
            CREATE TEMP TRIGGER IF NOT EXISTS crm_duplicate_\(table)
            BEFORE UPDATE OF import_run ON main.\(table)
            WHEN OLD.import_run = NEW.import_run
            BEGIN SELECT RAISE(ABORT, 'crm: duplicate id in one import'); END
            """)
        batchStatement = try prepare(rows: self.rowsPerStatement)
        singleStatement = try prepare(rows: 1)
        values.reserveCapacity(self.rowsPerStatement * self.columns.count)
        arena.reserveCapacity(64 * 1024)
    }

    deinit {
        sqlite3_finalize(batchStatement)
        sqlite3_finalize(singleStatement)
    }

    /// Drops the duplicate-detection trigger; call once the import is over.
    func close(db: Database) throws {
        try db.execute(sql: "DROP TRIGGER IF EXISTS temp.crm_duplicate_\(table)")
    }

    private func prepare(rows: Int) throws -> OpaquePointer {
        let placeholders = "(" + Array(repeating: "?", count: columns.count).joined(separator: ",") + ")"
        let updates = columns.filter { $0 != "pk" && $0 != "text_id" }.map { column in
            clearing.contains(column) ? "\(column) = excluded.\(column)" : "\(column) = coalesce(excluded.\(column), \(column))"
        }.joined(separator: ", ")
        let sql = """
            INSERT INTO main.\(table) (\(columns.joined(separator: ", ")))
            VALUES \(Array(repeating: placeholders, count: rows).joined(separator: ","))
            ON CONFLICT(pk) DO UPDATE SET \(updates)
            ON CONFLICT(text_id) WHERE text_id IS NOT NULL DO UPDATE SET \(updates)
            """
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(connection, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw CRMError.internalInconsistency("cannot prepare the \(table) upsert: \(lastMessage())")
        }
        return statement
    }

    // MARK: Filling a row

    /// Starts a row read from `line` of the input file.
    func beginRow(line: Int) {
        rowStart = (values.count, arena.count)
        lines.append(line)
    }

    func appendNull() { values.append(.null) }

    /// Appends the row's id (nil when it is missing: the row will be discarded): a number is the
    /// key itself; any other id gets a fresh negative key, kept only when the row is new.
    func appendKey(_ id: UnsafeBufferPointer<UInt8>?) {
        guard let id else {
            values.append(.null)
            values.append(.null)
            return
        }
        if let number = RowKeys.number(id) {
            values.append(.integer(number))
            values.append(.null)
        } else {
            values.append(.integer(nextTextKey))
            nextTextKey -= 1
            appendText(id)
        }
    }

    func appendInteger(_ value: Int64) { values.append(.integer(value)) }

    func appendText(_ bytes: UnsafeBufferPointer<UInt8>) {
        let start = arena.count
        arena.append(contentsOf: bytes)
        values.append(.text(start: start, count: bytes.count))
    }

    func appendText(_ string: String) {
        var string = string
        string.withUTF8 { appendText($0) }
    }

    /// Abandons the row being filled (its values failed validation).
    func discardRow() {
        guard let start = rowStart else { return }
        values.removeSubrange(start.value...)
        arena.removeSubrange(start.arena...)
        lines.removeLast()
        rowStart = nil
    }

    /// Ends the row; writes the batch when it is full. Returns the rows the database refused.
    func endRow() throws -> [Refusal] {
        values.append(.integer(runID))
        rowStart = nil
        guard values.count == lines.count * columns.count else {
            throw CRMError.internalInconsistency("a \(table) row has \(values.count % columns.count) values, not \(columns.count)")
        }
        guard lines.count == rowsPerStatement else { return [] }
        return try flush()
    }

    /// Writes every buffered row. Returns the rows the database refused.
    func flush() throws -> [Refusal] {
        defer {
            values.removeAll(keepingCapacity: true)
            lines.removeAll(keepingCapacity: true)
            arena.removeAll(keepingCapacity: true)
        }
        if lines.isEmpty { return [] }
        if lines.count == rowsPerStatement, let batchStatement {
            let outcome = execute(batchStatement, rows: 0..<lines.count)
            if outcome.code == SQLITE_DONE {
                written += lines.count
                return []
            }
            guard isDuplicateRefusal(outcome) else { throw failure(outcome) }
        }
        var refusals: [Refusal] = []
        for row in 0..<lines.count {
            guard let singleStatement else { break }
            let outcome = execute(singleStatement, rows: row..<(row + 1))
            if outcome.code == SQLITE_DONE {
                written += 1
            } else if isDuplicateRefusal(outcome) {
                refusals.append(Refusal(line: lines[row], reason: "this id appears more than once in the file"))
            } else {
                throw failure(outcome)
            }
        }
        return refusals
    }

    private func execute(_ statement: OpaquePointer, rows: Range<Int>) -> (code: Int32, message: String) {
        sqlite3_reset(statement)
        let width = columns.count
        return arena.withUnsafeBufferPointer { bytes -> (code: Int32, message: String) in
            var index: Int32 = 1
            for position in (rows.lowerBound * width)..<(rows.upperBound * width) {
                switch values[position] {
                case .null:
                    sqlite3_bind_null(statement, index)
                case .integer(let value):
                    sqlite3_bind_int64(statement, index, value)
                case .text(let start, let count):
                    // The arena outlives the step below, so SQLite need not copy (SQLITE_STATIC).
                    let base = bytes.baseAddress.map { UnsafeRawPointer($0 + start) } ?? UnsafeRawPointer(bitPattern: 1)
                    sqlite3_bind_text(statement, index, base?.assumingMemoryBound(to: CChar.self), Int32(count), nil)
                }
                index += 1
            }
            let code = sqlite3_step(statement)
            let message = code == SQLITE_DONE ? "" : lastMessage()
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
            return (code, message)
        }
    }

    private func isDuplicateRefusal(_ outcome: (code: Int32, message: String)) -> Bool {
        (outcome.code & 0xff) == SQLITE_CONSTRAINT && outcome.message.contains("crm: duplicate id")
    }

    private func lastMessage() -> String {
        sqlite3_errmsg(connection).map { String(cString: $0) } ?? "unknown error"
    }

    private func failure(_ outcome: (code: Int32, message: String)) -> CRMError {
        .internalInconsistency("writing \(table) failed (SQLite \(outcome.code)): \(outcome.message)")
    }
}
