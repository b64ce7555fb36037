/// Where one field's bytes are: in the file itself, or (when it had `""` escapes) in the reader's
/// scratch buffer.
struct CSVFieldSpan {
    var offset: Int
    var count: Int
    var inScratch: Bool
}

/// One record yielded by `CSVReader.next()`: its starting line and its fields, without copying.
///
/// A record borrows the reader's memory and is valid only until the next `next()` call on the
/// same reader (or the reader's end); keep values, not records.
///
/// ```swift
/// while let record = try reader.next() {
///     let id = record[idColumn].string
///     let at = try Timestamp.parse(record[orderedAtColumn].bytes)
/// }
/// ```
public struct CSVRecord {
    /// 1-based physical line where the record starts (a quoted line break makes a record span lines).
    public let line: Int
    /// Number of fields.
    public let count: Int

    private let file: UnsafePointer<UInt8>
    private let scratch: UnsafePointer<UInt8>
    private let spans: UnsafePointer<CSVFieldSpan>

    init(line: Int, count: Int, file: UnsafePointer<UInt8>, scratch: UnsafePointer<UInt8>, spans: UnsafePointer<CSVFieldSpan>) {
        self.line = line
        self.count = count
        self.file = file
        self.scratch = scratch
        self.spans = spans
    }

    /// Field `index` (0-based, must be `< count`).
    public subscript(index: Int) -> CSVField {
        precondition(index >= 0 && index < count, "CSV field index \(index) out of range 0..<\(count)")
        let span = spans[index]
        let base = span.inScratch ? scratch : file
        return CSVField(UnsafeBufferPointer(start: base + span.offset, count: span.count))
    }

    /// All fields as strings (allocates; for rejects files and messages, not the hot path).
    public var strings: [String] {
        (0 ..< count).map { self[$0].string }
    }
}
