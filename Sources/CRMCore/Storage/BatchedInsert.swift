import Foundation
import GRDB

/// Inserts rows 100 at a time with one multi-row statement (one `sqlite3_step` per 100 rows
/// instead of per row), for the bulk writes of a segmentation run.
final class BatchedInsert {
    enum Value {
        case integer(Int64)
        case text(String)
        case null
    }

    private let db: Database
    private let prefix: String
    private let suffix: String
    private let width: Int
    private let rowsPerStatement: Int
    private var full: RawStatement?
    private var pending: [[Value]] = []

    /// - Parameters:
    ///   - prefix: `INSERT INTO table(a, b, c) VALUES`
    ///   - suffix: what follows the values, e.g. an `ON CONFLICT` clause.
    init(_ db: Database, prefix: String, width: Int, suffix: String = "", rowsPerStatement: Int = 100) {
        self.db = db
        self.prefix = prefix
        self.suffix = suffix
        self.width = width
        self.rowsPerStatement = rowsPerStatement
        pending.reserveCapacity(rowsPerStatement)
    }

    func append(_ row: [Value]) throws {
        pending.append(row)
        if pending.count == rowsPerStatement { try flush() }
    }

    /// Writes every buffered row.
    func flush() throws {
        guard !pending.isEmpty else { return }
        let statement: RawStatement
        if pending.count == rowsPerStatement {
            if full == nil { full = try prepare(rows: rowsPerStatement) }
            guard let full else { return }
            statement = full
        } else {
            statement = try prepare(rows: pending.count)
        }
        var index: Int32 = 1
        for row in pending {
            for value in row {
                switch value {
                case .integer(let number): statement.bind(index, number)
                case .text(let text): statement.bind(index, text)
                case .null: statement.bind(index, nil as Int64?)
                }
                index += 1
            }
        }
        try statement.execute()
        pending.removeAll(keepingCapacity: true)
    }

    private func prepare(rows: Int) throws -> RawStatement {
        let tuple = "(" + Array(repeating: "?", count: width).joined(separator: ",") + ")"
        return try RawStatement(db, sql: prefix + " " + Array(repeating: tuple, count: rows).joined(separator: ",") + " " + suffix)
    }
}
