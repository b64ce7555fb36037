/// A problem with a CSV file as a whole or with one of its records, located by path and line.
///
/// `description` reads `orders.csv:12: unterminated quoted field (the quote opened here)`.
/// Per-record errors (`isFatal == false`) leave the reader positioned at the next record, so an
/// import run with `--skip-invalid` can reject the record and go on; fatal ones end the file.
public struct CSVError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Equatable, Sendable {
        /// The file could not be opened or read; `reason` is the system's message.
        case cannotOpen(reason: String)
        /// The file could not be written; `reason` is the system's message.
        case cannotWrite(reason: String)
        /// The file has no header row (it is empty, or only a byte-order mark).
        case missingHeader
        /// An empty line where a record was expected (only the final line break may end a file).
        case blankLine
        /// A quoted field is never closed; reported at the line where it opened. Fatal.
        case unterminatedQuote
        /// A `"` inside a field that did not start with one, e.g. `ab"c` (column is 1-based).
        case quoteInUnquotedField(column: Int)
        /// Text between a closing quote and the next comma or line break, e.g. `"ab"c`.
        case textAfterClosingQuote(column: Int)
        /// A carriage return not followed by a line feed, outside quotes.
        case bareCarriageReturn(column: Int)
        /// Bytes that are not UTF-8.
        case invalidUTF8
        /// The record has a different number of fields than the header.
        case fieldCount(expected: Int, got: Int)
        /// A row with no fields cannot be written (it would read back as a blank line).
        case emptyRow
    }

    /// The file as given to the reader or writer (`<stdin>`-like names for in-memory input).
    public let path: String
    /// 1-based physical line of the problem; 0 when the problem is not about a line.
    public let line: Int
    /// What went wrong.
    public let kind: Kind
    /// The bad record's text as it appears in the file (without its line break), for a rejects
    /// file; empty for file-level problems.
    public let rawRecord: String
    /// The bad record's bytes exactly (without its line break), kept for records that are not
    /// UTF-8, whose `rawRecord` had to replace the bad bytes.
    public let rawBytes: [UInt8]

    /// A located CSV problem.
    public init(path: String, line: Int, kind: Kind, rawRecord: String = "", rawBytes: [UInt8] = []) {
        self.path = path
        self.line = line
        self.kind = kind
        self.rawRecord = rawRecord
        self.rawBytes = rawBytes
    }

    /// Said once under a list of problems when some text was not UTF-8.
    public static let encodingHint =
        "The file is not UTF-8. If it came from Excel on Windows, convert it first: iconv -f WINDOWS-1252 -t UTF-8 FILE > FILE.utf8.csv"

    /// True when the reader cannot go on after this error (nothing more will be read).
    public var isFatal: Bool {
        switch kind {
        case .cannotOpen, .cannotWrite, .missingHeader, .unterminatedQuote, .emptyRow: return true
        case .blankLine, .quoteInUnquotedField, .textAfterClosingQuote, .bareCarriageReturn, .invalidUTF8, .fieldCount:
            return false
        }
    }

    /// The message without the location: `expected 11 fields, got 10`.
    public var reason: String {
        switch kind {
        case .cannotOpen(let reason): return "cannot read the file: \(reason)"
        case .cannotWrite(let reason): return "cannot write the file: \(reason)"
        case .missingHeader: return "missing header row (the file is empty)"
        case .blankLine: return "blank line (remove it; only the last line break may end the file)"
        case .unterminatedQuote: return "unterminated quoted field (the quote opened here and is never closed)"
        case .quoteInUnquotedField(let column):
            return "field \(column): a quote inside an unquoted field (quote the whole field and double the quote: \"a\"\"b\")"
        case .textAfterClosingQuote(let column):
            return "field \(column): text after the closing quote (double a quote inside a quoted field: \"a\"\"b\")"
        case .bareCarriageReturn(let column):
            return "field \(column): a carriage return without a line feed outside quotes"
        case .invalidUTF8: return "text is not valid UTF-8 (save the file as UTF-8)"
        case .fieldCount(let expected, let got): return "expected \(expected) fields like the header, got \(got)"
        case .emptyRow: return "a row needs at least one field"
        }
    }

    /// `path:line: reason`, or `path: reason` when there is no line.
    public var description: String {
        line > 0 ? "\(path):\(line): \(reason)" : "\(path): \(reason)"
    }
}
