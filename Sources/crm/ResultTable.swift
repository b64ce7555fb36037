import CRMCore
import Foundation

/// Rows whose cells keep their type: text and blanks in a table or CSV, numbers as JSON numbers.
struct ResultTable {
    enum Cell {
        case text(String?)
        case integer(Int)
        /// A number, shown with `digits` decimals in a table or CSV and unrounded in JSON.
        case number(Double?, digits: Int)

        var text: String? {
            switch self {
            case .text(let value): value
            case .integer(let value): String(value)
            case .number(let value, let digits): value.map { String(format: "%.\(digits)f", $0) }
            }
        }

        var json: Any {
            switch self {
            case .text(let value): value.map { $0 as Any } ?? NSNull()
            case .integer(let value): value
            case .number(let value, _): value.map { $0 as Any } ?? NSNull()
            }
        }

        static func rate(_ value: Double?) -> Cell { .number(value, digits: 3) }
        static func money(_ value: Double) -> Cell { .number(value, digits: 2) }
    }

    let columns: [String]
    var rows: [[Cell]] = []

    /// The rows as JSON objects (an empty array when there are none).
    var objects: [[String: Any]] {
        rows.map { row in Dictionary(uniqueKeysWithValues: zip(columns, row.map(\.json))) }
    }

    /// Prints the table, CSV, or a JSON array of objects.
    func print(_ format: OutputFormat) throws {
        let output = Output(format: format)
        if format == .json { try output.printJSON(objects) } else { try output.print(columns: columns, rows: rows.map { $0.map(\.text) }) }
    }
}
