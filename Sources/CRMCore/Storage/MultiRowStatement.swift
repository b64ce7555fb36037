import GRDB
import GRDBSQLite

/// One `INSERT` with the values of several rows (`VALUES (?,?),(?,?),…`), bound from a
/// `RowBuffer` without copying its texts: one `sqlite3_step` per statement instead of per row,
/// the fastest crash-safe way SQLite offers to write many rows (see `bench/RESULTS.md`).
final class MultiRowStatement {
    let rows: Int
    private let connection: OpaquePointer
    private let statement: OpaquePointer

    /// - Parameters:
    ///   - prefix: `INSERT INTO table(a, b, c) VALUES`
    ///   - suffix: what follows the values, e.g. an `ON CONFLICT` clause.
    init(_ db: Database, prefix: String, width: Int, rows: Int, suffix: String = "") throws {
        guard let connection = db.sqliteConnection else {
            throw CRMError.internalInconsistency("database connection is closed")
        }
        let tuple = "(" + Array(repeating: "?", count: width).joined(separator: ",") + ")"
        let sql = prefix + " " + Array(repeating: tuple, count: rows).joined(separator: ",") + " " + suffix
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(connection, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw CRMError.internalInconsistency("cannot prepare \(prefix): \(String(cString: sqlite3_errmsg(connection)))")
        }
        self.connection = connection
        self.statement = statement
        self.rows = rows
    }

    deinit {
        sqlite3_finalize(statement)
    }

    /// Binds rows `first ..< first + rows` of `buffer` and steps once. Returns SQLite's result
    /// code and, when it is not `SQLITE_DONE`, its message.
    func execute(_ buffer: RowBuffer, from first: Int) -> (code: Int32, message: String) {
        bind(buffer, rows: first..<(first + rows), at: 1)
        return step()
    }

    /// Binds rows `first ..< first + rows` of `rows` (rows of several buffers in a chosen order:
    /// `WriteOrder`) and steps once.
    func execute(_ rows: WriteOrder, from first: Int) -> (code: Int32, message: String) {
        var index: Int32 = 1
        for position in first..<(first + self.rows) {
            let (buffer, row) = rows[position]
            bind(buffer, rows: row..<(row + 1), at: index)
            index += Int32(buffer.width)
        }
        return step()
    }

    /// Binds the values of `range` of `buffer` to the parameters from `first` on.
    private func bind(_ buffer: RowBuffer, rows range: Range<Int>, at first: Int32) {
        let width = buffer.width
        buffer.arena.withUnsafeBufferPointer { bytes in
            var index = first
            for position in (range.lowerBound * width)..<(range.upperBound * width) {
                switch buffer.values[position] {
                case .null:
                    sqlite3_bind_null(statement, index)
                case .integer(let value):
                    sqlite3_bind_int64(statement, index, value)
                case .text(let start, let count):
                    // The arena outlives the step, so SQLite need not copy (SQLITE_STATIC);
                    // a non-null pointer for empty text, which SQLite would otherwise bind as NULL.
                    let base = bytes.baseAddress.map { UnsafeRawPointer($0 + Int(start)) } ?? UnsafeRawPointer(bitPattern: 1)
                    sqlite3_bind_text(statement, index, base?.assumingMemoryBound(to: CChar.self), Int32(count), nil)
                case .blob(let start, let count):
                    let base = bytes.baseAddress.map { UnsafeRawPointer($0 + Int(start)) } ?? UnsafeRawPointer(bitPattern: 1)
                    sqlite3_bind_blob(statement, index, base, Int32(count), nil)
                }
                index += 1
            }
        }
    }

    /// Steps the bound statement once and resets it.
    private func step() -> (code: Int32, message: String) {
        let code = sqlite3_step(statement)
        let message = code == SQLITE_DONE ? "" : (sqlite3_errmsg(connection).map { String(cString: $0) } ?? "unknown error")
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
        return (code, message)
    }

    /// `execute`, throwing when SQLite refuses.
    func run(_ buffer: RowBuffer, from first: Int) throws {
        let outcome = execute(buffer, from: first)
        guard outcome.code == SQLITE_DONE else {
            throw CRMError.internalInconsistency("a bulk write failed (SQLite \(outcome.code)): \(outcome.message)")
        }
    }
}
