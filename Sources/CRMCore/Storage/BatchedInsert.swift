import Foundation
import GRDB

/// Inserts rows 100 at a time with one multi-row statement (one `sqlite3_step` per 100 rows
/// instead of per row), for the bulk writes of a segmentation run.
///
/// A row is added value by value and ended with `endRow()`; texts are copied into one reused
/// byte arena that SQLite reads without copying again, so a row costs no allocation.
final class BatchedInsert {
    private enum Value {
        case integer(Int64)
        case text(start: Int, count: Int)
        case null
    }

    private let db: Database
    private let prefix: String
    private let suffix: String
    private let width: Int
    private let rowsPerStatement: Int
    private var full: RawStatement?
    private var values: [Value] = []
    private var arena: [UInt8] = []
    private var rows = 0

    /// - Parameters:
    ///   - prefix: `INSERT INTO table(a, b, c) VALUES`
    ///   - suffix: what follows the values, e.g. an `ON CONFLICT` clause.
    init(_ db: Database, prefix: String, width: Int, suffix: String = "", rowsPerStatement: Int = 100) {
        self.db = db
        self.prefix = prefix
        self.suffix = suffix
        self.width = width
        self.rowsPerStatement = rowsPerStatement
        values.reserveCapacity(rowsPerStatement * width)
    }

    func add(_ value: Int64) {
        values.append(.integer(value))
    }

    func add(_ text: String?) {
        guard var text else { return values.append(.null) }
        text.withUTF8 { add(bytes: $0) }
    }

    func add(bytes: UnsafeBufferPointer<UInt8>) {
        values.append(.text(start: arena.count, count: bytes.count))
        arena.append(contentsOf: bytes)
    }

    func addNull() {
        values.append(.null)
    }

    /// Ends the row of the values added since the last one; writes when a statement is full.
    func endRow() throws {
        precondition(values.count == (rows + 1) * width, "a row of \(width) values expected")
        rows += 1
        if rows == rowsPerStatement { try flush() }
    }

    /// Writes every buffered row.
    func flush() throws {
        guard rows > 0 else { return }
        let statement: RawStatement
        if rows == rowsPerStatement {
            if full == nil { full = try prepare(rows: rowsPerStatement) }
            guard let full else { return }
            statement = full
        } else {
            statement = try prepare(rows: rows)
        }
        try arena.withUnsafeBufferPointer { bytes in
            for (position, value) in values.enumerated() {
                let index = Int32(position + 1)
                switch value {
                case .integer(let number): statement.bind(index, number)
                case .text(let start, let count): statement.bindStatic(index, text: UnsafeBufferPointer(rebasing: bytes[start..<(start + count)]))
                case .null: statement.bind(index, nil as Int64?)
                }
            }
            // The arena outlives this step: SQLite reads the texts in place.
            try statement.execute()
        }
        values.removeAll(keepingCapacity: true)
        arena.removeAll(keepingCapacity: true)
        rows = 0
    }

    private func prepare(rows: Int) throws -> RawStatement {
        let tuple = "(" + Array(repeating: "?", count: width).joined(separator: ",") + ")"
        return try RawStatement(db, sql: prefix + " " + Array(repeating: tuple, count: rows).joined(separator: ",") + " " + suffix)
    }
}
