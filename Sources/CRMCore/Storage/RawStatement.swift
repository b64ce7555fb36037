import Foundation
import GRDB
import GRDBSQLite

/// A prepared statement used through SQLite's C API, for the few loops where GRDB's row
/// decoding costs more than the work itself (profile scans, bulk membership writes).
///
/// Text columns are read into `String`s; `textColumn` returns nil for NULL.
final class RawStatement {
    private let connection: OpaquePointer
    private let statement: OpaquePointer
    private let sql: String

    init(_ db: Database, sql: String) throws {
        guard let connection = db.sqliteConnection else {
            throw CRMError.internalInconsistency("database connection is closed")
        }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(connection, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw CRMError.internalInconsistency("cannot prepare \(sql): \(String(cString: sqlite3_errmsg(connection)))")
        }
        self.connection = connection
        self.statement = statement
        self.sql = sql
    }

    deinit {
        sqlite3_finalize(statement)
    }

    func bind(_ index: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(statement, index, value) } else { sqlite3_bind_null(statement, index) }
    }

    func bind(_ index: Int32, _ value: String?) {
        guard let value else {
            sqlite3_bind_null(statement, index)
            return
        }
        // SQLITE_TRANSIENT: SQLite copies the text, so the Swift string may go away.
        sqlite3_bind_text(statement, index, value, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
    }

    /// Binds text that stays where it is until the statement has been stepped and reset
    /// (SQLITE_STATIC: SQLite does not copy it).
    func bindStatic(_ index: Int32, text: UnsafeBufferPointer<UInt8>) {
        // A non-null pointer for empty text, which SQLite would otherwise bind as NULL.
        let base = text.baseAddress.map(UnsafeRawPointer.init) ?? UnsafeRawPointer(bitPattern: 1)
        sqlite3_bind_text(statement, index, base?.assumingMemoryBound(to: CChar.self), Int32(text.count), nil)
    }

    func bind(_ index: Int32, _ value: Data) {
        value.withUnsafeBytes { bytes in
            // SQLITE_TRANSIENT: SQLite copies the bytes.
            _ = sqlite3_bind_blob(statement, index, bytes.baseAddress, Int32(bytes.count), unsafeBitCast(-1, to: sqlite3_destructor_type.self))
        }
    }

    /// Binds bytes that stay where they are until the statement has been stepped and reset
    /// (SQLITE_STATIC: SQLite does not copy them).
    func bindStatic(_ index: Int32, blob bytes: UnsafeRawBufferPointer) {
        // A non-null pointer for no bytes, which SQLite would otherwise bind as NULL.
        let base = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)
        sqlite3_bind_blob64(statement, index, base, sqlite3_uint64(bytes.count), nil)
    }

    /// The column's blob bytes, valid until the next step.
    func blob(_ column: Int32) -> UnsafeRawBufferPointer {
        let count = Int(sqlite3_column_bytes(statement, column))
        guard let bytes = sqlite3_column_blob(statement, column), count > 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: bytes, count: count)
    }

    func bind(_ index: Int32, _ value: Double) {
        sqlite3_bind_double(statement, index, value)
    }

    /// Steps once: true when a row is available, false when done.
    func step() throws -> Bool {
        switch sqlite3_step(statement) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            throw CRMError.internalInconsistency("\(sql): \(String(cString: sqlite3_errmsg(connection)))")
        }
    }

    /// Runs a statement that returns no rows, then makes it ready for new bindings.
    func execute() throws {
        defer { reset() }
        while try step() {}
    }

    func reset() {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
    }

    func int64(_ column: Int32) -> Int64 {
        sqlite3_column_int64(statement, column)
    }

    func optionalInt64(_ column: Int32) -> Int64? {
        sqlite3_column_type(statement, column) == SQLITE_NULL ? nil : sqlite3_column_int64(statement, column)
    }

    /// The column's text as bytes, valid until the next step (empty for NULL).
    func textBytes(_ column: Int32) -> UnsafeBufferPointer<UInt8> {
        let count = Int(sqlite3_column_bytes(statement, column))
        guard let bytes = sqlite3_column_text(statement, column) else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: bytes, count: count)
    }

    func text(_ column: Int32) -> String? {
        guard let bytes = sqlite3_column_text(statement, column) else { return nil }
        let count = Int(sqlite3_column_bytes(statement, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }
}
