/// Rows waiting to be written: their values in order, texts copied into one byte arena, and the
/// input line of each row. The one buffer of every bulk write (`BulkUpsert` for imports,
/// `BatchedInsert` for segmentation runs and field values), bound by `MultiRowStatement`.
///
/// A buffer holds no pointer into anything else, so an import's parser thread fills one while
/// the writer writes another.
final class RowBuffer: @unchecked Sendable {
    /// A value; texts and blobs by their place in the arena (32-bit, so a value takes 16 bytes:
    /// an import holds a window of half a million rows, `KeyOrderWindow`).
    enum Value {
        case null
        case integer(Int64)
        case text(start: UInt32, count: UInt32)
        case blob(start: UInt32, count: UInt32)
    }

    /// Values per row.
    let width: Int
    // Not checked for exclusive access at run time: a buffer is filled and read by one thread at
    // a time, and the checks (a thread-local access set per read or write of a property) were
    // about half of the writer's time outside SQLite in a first run of all eight at L.
    @exclusivity(unchecked) private(set) var values: [Value] = []
    @exclusivity(unchecked) private(set) var arena: [UInt8] = []
    /// The input line of each row (0 when rows do not come from a file).
    @exclusivity(unchecked) private(set) var lines: [Int] = []
    @exclusivity(unchecked) private var rowStart: (value: Int, arena: Int)?

    init(width: Int, rows: Int = 100) {
        self.width = width
        values.reserveCapacity(rows * width)
        arena.reserveCapacity(rows * 64)
        lines.reserveCapacity(rows)
    }

    /// Complete rows in the buffer.
    var rowCount: Int { values.count / width }

    /// Starts a row read from `line` of the input file.
    func beginRow(line: Int = 0) {
        rowStart = (values.count, arena.count)
        lines.append(line)
    }

    func appendNull() { values.append(.null) }

    func appendInteger(_ value: Int64) { values.append(.integer(value)) }

    func appendText(_ bytes: UnsafeBufferPointer<UInt8>) {
        let start = UInt32(arena.count)
        arena.append(contentsOf: bytes)
        values.append(.text(start: start, count: UInt32(bytes.count)))
    }

    func appendBlob(_ bytes: UnsafeRawBufferPointer) {
        let start = UInt32(arena.count)
        arena.append(contentsOf: bytes)
        values.append(.blob(start: start, count: UInt32(bytes.count)))
    }

    func appendText(_ string: String?) {
        guard var string else { return appendNull() }
        string.withUTF8 { appendText($0) }
    }

    /// The integer at `column` of `row`; nil when it is NULL or not an integer.
    func integer(row: Int, column: Int) -> Int64? {
        if case .integer(let value) = values[row * width + column] { return value }
        return nil
    }

    /// The text at `column` of `row`; nil when it is NULL or not a text.
    func text(row: Int, column: Int) -> String? {
        guard case .text(let start, let count) = values[row * width + column] else { return nil }
        return arena.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[Int(start)..<Int(start + count)]), as: UTF8.self) }
    }

    /// Abandons the row being filled (its values failed validation).
    func discardRow() {
        guard let start = rowStart else { return }
        values.removeSubrange(start.value...)
        arena.removeSubrange(start.arena...)
        lines.removeLast()
        rowStart = nil
    }

    /// Ends the row begun last; its value count must be the width.
    func endRow() throws {
        rowStart = nil
        guard values.count == lines.count * width else {
            throw CRMError.internalInconsistency("a row has \(values.count - (lines.count - 1) * width) values, not \(width)")
        }
    }

    func removeAll() {
        values.removeAll(keepingCapacity: true)
        arena.removeAll(keepingCapacity: true)
        lines.removeAll(keepingCapacity: true)
        rowStart = nil
    }
}
