import CRMCore
import Foundation

/// Prints rows as an aligned table, CSV or JSON on standard output.
struct Output {
    let format: OutputFormat

    /// Prints text cells (nil is an empty cell, `null` in JSON). CSV is written row by row as
    /// `rows` produces them, so a lazy sequence of a million rows is never held whole.
    func print<Rows: Sequence<[String?]>>(columns: [String], rows: Rows) throws {
        guard format == .csv else { return try print(columns: columns, values: rows.map { $0.map(JSONValue.text) }) }
        let writer = CSVWriter.standardOutput()
        try writer.write(row: columns)
        for row in rows { try writer.write(row: row.map { JSONValue.text($0).cellText }) }
        try writer.close()
    }

    /// Prints typed cells: a header row in table and CSV, an array of objects (`[]` when empty) in JSON.
    func print(columns: [String], values rows: [[JSONValue]]) throws {
        switch format {
        case .table:
            printTable(columns: columns, rows: rows.map { $0.map(\.cellText) })
        case .csv:
            let writer = CSVWriter.standardOutput()
            try writer.write(row: columns)
            for row in rows { try writer.write(row: row.map(\.cellText)) }
            try writer.close()
        case .json:
            printJSON(.array(rows.map { row in .object(Array(zip(columns, row))) }))
        }
    }

    /// Prints a Foundation JSON object (dictionaries, arrays, NSNumber, NSNull, strings) that a
    /// command built with its numbers as NSNumber.
    func printJSON(_ object: Any) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    func printJSON(_ value: JSONValue) {
        FileHandle.standardOutput.write(Data((value.json() + "\n").utf8))
    }

    private func printTable(columns: [String], rows: [[String?]]) {
        let cells = rows.map { $0.map { ($0 ?? "").replacingOccurrences(of: "\n", with: "⏎") } }
        var widths = columns.map(\.count)
        for row in cells {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ values: [String]) -> String {
            values.enumerated().map { index, value in
                index == values.count - 1 ? value : value.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        Swift.print(line(columns))
        Swift.print(line(widths.map { String(repeating: "-", count: $0) }))
        for row in cells { Swift.print(line(row)) }
    }
}

/// Progress on standard error, only when it is a terminal.
enum Progress {
    static let isTerminal = isatty(2) == 1

    /// A reporter that redraws one line of standard error (at most every 250 ms, or every
    /// `CRM_PROGRESS_INTERVAL_MS`), or nil when standard error is not a terminal.
    static func reporter() -> ProgressReporter? {
        guard isTerminal else { return nil }
        let milliseconds = ProcessInfo.processInfo.environment["CRM_PROGRESS_INTERVAL_MS"].flatMap { Int64($0) }
        return ProgressReporter(interval: .milliseconds(max(0, milliseconds ?? 250))) { update in
            report(update.text)
        }
    }

    static func report(_ message: String) {
        guard isTerminal else { return }
        FileHandle.standardError.write(Data("\r\(message)\u{1B}[K".utf8))
    }

    static func clear() {
        guard isTerminal else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    static func warn(_ message: String) {
        // What was printed before the warning comes first, also when both go to one file.
        fflush(nil)
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
