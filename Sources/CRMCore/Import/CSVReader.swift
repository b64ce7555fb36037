/// Streams the records of an RFC 4180 CSV file with a required header, one at a time, without
/// building a `String` per field.
///
/// The file is memory-mapped (or read, if it cannot be). A UTF-8 byte-order mark is skipped.
/// Fields are separated by `,`, records by LF or CRLF; a field in double quotes may hold commas,
/// LF, CRLF and `""` for a quote. Nothing is guessed: a blank line, a stray quote, a carriage
/// return without line feed, bytes that are not UTF-8 and a field count unlike the header's are
/// all errors naming the line. Most are per-record: call `next()` again to go on with the
/// following record (see `CSVError.isFatal`).
///
/// ```swift
/// let reader = try CSVReader(path: "orders.csv")
/// let amount = reader.header.index(of: "amount")
/// while let record = try reader.next() {
///     print(record.line, record[0].string)
/// }
/// ```
public final class CSVReader {
    /// The file as given.
    public let path: String
    /// The first record's column names. Every other record must have as many fields.
    public private(set) var header = CSVHeader(names: [])
    /// The size of the input in bytes.
    public var byteCount: Int { file.count }

    private let file: MappedFile
    private var position = 0
    /// Bytes of the file consumed so far (the header and every record returned), for progress.
    var bytesRead: Int { position }
    /// Physical line (1-based) of `position`.
    private var line = 1
    private var expectedFields = 0

    private var spans: UnsafeMutablePointer<CSVFieldSpan>
    private var spanCapacity = 64
    /// Unescaped copies of quoted fields that contained `""`, reset for every record.
    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity = 4096
    private var scratchCount = 0

    private static let quote: UInt8 = 0x22
    private static let comma: UInt8 = 0x2C
    private static let lineFeed: UInt8 = 0x0A
    private static let carriageReturn: UInt8 = 0x0D

    /// Opens the file at `path` and reads its header row.
    /// - Throws: `cannotOpen`, `missingHeader` for an empty (or BOM-only) file, or any record
    ///   error found in the header row itself.
    public convenience init(path: String) throws(CSVError) {
        try self.init(file: MappedFile(path: path), path: path)
    }

    /// Reads CSV that is already in memory; `name` stands in for the path in error messages.
    public convenience init(bytes: [UInt8], name: String) throws(CSVError) {
        try self.init(file: MappedFile(copying: bytes), path: name)
    }

    private init(file: MappedFile, path: String) throws(CSVError) {
        self.file = file
        self.path = path
        spans = .allocate(capacity: spanCapacity)
        scratch = .allocate(capacity: scratchCapacity)
        if let bytes = file.bytes, file.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            position = 3
        }
        guard let first = try next() else {
            throw CSVError(path: path, line: 1, kind: .missingHeader)
        }
        header = CSVHeader(names: first.strings)
        expectedFields = header.count
    }

    deinit {
        spans.deallocate()
        scratch.deallocate()
    }

    /// The next record, or nil at the end of the file.
    ///
    /// The record is valid until the next call. After a per-record error the reader has already
    /// moved past the bad record (to the next physical line for a malformed one), so calling
    /// `next()` again continues; after a fatal error it returns nil.
    public func next() throws(CSVError) -> CSVRecord? {
        guard let data = file.bytes, position < file.count else { return nil }
        // The previous record is no longer valid, so the pages before this one can go.
        file.release(upTo: position)
        let end = file.count
        let recordStart = position
        let recordLine = line
        var index = position
        var fields = 0
        var highBits: UInt8 = 0
        scratchCount = 0

        if data[index] == Self.lineFeed || (data[index] == Self.carriageReturn && index + 1 < end && data[index + 1] == Self.lineFeed) {
            throw recordError(.blankLine, at: index, recordStart: recordStart)
        }

        fieldLoop: while true {
            if fields == spanCapacity { growSpans() }
            if index < end, data[index] == Self.quote {
                try readQuotedField(data, from: &index, into: fields, highBits: &highBits, recordStart: recordStart)
                fields += 1
                if index < end, data[index] != Self.comma, data[index] != Self.lineFeed, data[index] != Self.carriageReturn {
                    throw recordError(.textAfterClosingQuote(column: fields), at: index, recordStart: recordStart)
                }
            } else {
                let fieldStart = index
                // All four special bytes are <= 0x2C, so most bytes cost one comparison.
                while index < end {
                    let byte = data[index]
                    if byte <= Self.comma, byte == Self.comma || byte == Self.lineFeed || byte == Self.carriageReturn || byte == Self.quote {
                        break
                    }
                    highBits |= byte
                    index += 1
                }
                spans[fields] = CSVFieldSpan(offset: fieldStart, count: index - fieldStart, inScratch: false)
                fields += 1
                if index < end, data[index] == Self.quote {
                    throw recordError(.quoteInUnquotedField(column: fields), at: index, recordStart: recordStart)
                }
            }

            // The field ended at a comma, a line break or the end of the file.
            guard index < end else { break fieldLoop }
            switch data[index] {
            case Self.comma:
                index += 1
            case Self.lineFeed:
                index += 1
                line += 1
                break fieldLoop
            default:  // a carriage return
                guard index + 1 < end, data[index + 1] == Self.lineFeed else {
                    throw recordError(.bareCarriageReturn(column: fields), at: index, recordStart: recordStart)
                }
                index += 2
                line += 1
                break fieldLoop
            }
        }

        position = index
        if highBits & 0x80 != 0, let bad = UTF8Validation.firstInvalidOffset(data + recordStart, count: index - recordStart) {
            let badLine = recordLine + lineFeeds(from: recordStart, to: recordStart + bad)
            throw CSVError(path: path, line: badLine, kind: .invalidUTF8, rawRecord: text(recordStart, index), rawBytes: bytes(recordStart, index))
        }
        if expectedFields > 0, fields != expectedFields {
            throw CSVError(
                path: path, line: recordLine, kind: .fieldCount(expected: expectedFields, got: fields),
                rawRecord: text(recordStart, index))
        }
        return CSVRecord(line: recordLine, count: fields, file: data, scratch: scratch, spans: spans)
    }

    /// Reads the quoted field whose opening quote is at `index` into span `field`, leaving `index`
    /// just after the closing quote. Counts the line feeds inside it.
    @inline(__always)
    private func readQuotedField(
        _ data: UnsafePointer<UInt8>, from index: inout Int, into field: Int, highBits: inout UInt8, recordStart: Int
    ) throws(CSVError) {
        let end = file.count
        let openingLine = line
        index += 1
        var segmentStart = index
        var scratchStart = -1
        while true {
            guard index < end else {
                position = end
                // Fatal: the rest of the file is inside the quote. Show only the first line.
                var firstLineEnd = recordStart
                while firstLineEnd < end, data[firstLineEnd] != Self.lineFeed { firstLineEnd += 1 }
                throw CSVError(
                    path: path, line: openingLine, kind: .unterminatedQuote, rawRecord: text(recordStart, firstLineEnd))
            }
            let byte = data[index]
            highBits |= byte
            if byte == Self.quote {
                guard index + 1 < end, data[index + 1] == Self.quote else { break }
                // An escaped quote: from here on the field is assembled in scratch.
                if scratchStart < 0 { scratchStart = scratchCount }
                appendScratch(data + segmentStart, count: index + 1 - segmentStart)
                index += 2
                segmentStart = index
                continue
            }
            if byte == Self.lineFeed { line += 1 }
            index += 1
        }
        if scratchStart < 0 {
            spans[field] = CSVFieldSpan(offset: segmentStart, count: index - segmentStart, inScratch: false)
        } else {
            appendScratch(data + segmentStart, count: index - segmentStart)
            spans[field] = CSVFieldSpan(offset: scratchStart, count: scratchCount - scratchStart, inScratch: true)
        }
        index += 1
    }

    /// Builds a per-record error at the current line for a problem at byte `index`, and moves the
    /// reader past the physical line containing it so the next call starts afresh.
    private func recordError(_ kind: CSVError.Kind, at index: Int, recordStart: Int) -> CSVError {
        let errorLine = line
        var resume = index
        let end = file.count
        if let data = file.bytes {
            while resume < end, data[resume] != Self.lineFeed { resume += 1 }
        }
        position = min(resume + 1, end)
        if resume < end { line += 1 }
        return CSVError(path: path, line: errorLine, kind: kind, rawRecord: text(recordStart, resume))
    }

    /// Number of line feeds in the file bytes `from ..< to`.
    private func lineFeeds(from start: Int, to stop: Int) -> Int {
        guard let data = file.bytes else { return 0 }
        return (start ..< stop).reduce(0) { $0 + (data[$1] == Self.lineFeed ? 1 : 0) }
    }

    /// The file bytes `start ..< stop` as text for error messages, without a final line break.
    private func text(_ start: Int, _ stop: Int) -> String {
        String(decoding: bytes(start, stop), as: UTF8.self)
    }

    /// The record's bytes from `start` to `stop` without the line break that ends it.
    private func bytes(_ start: Int, _ stop: Int) -> [UInt8] {
        guard let data = file.bytes, stop > start else { return [] }
        var last = stop
        while last > start, data[last - 1] == Self.lineFeed || data[last - 1] == Self.carriageReturn { last -= 1 }
        return Array(UnsafeBufferPointer(start: data + start, count: last - start))
    }

    private func growSpans() {
        let grown = UnsafeMutablePointer<CSVFieldSpan>.allocate(capacity: spanCapacity * 2)
        grown.moveInitialize(from: spans, count: spanCapacity)
        spans.deallocate()
        spans = grown
        spanCapacity *= 2
    }

    private func appendScratch(_ source: UnsafePointer<UInt8>, count: Int) {
        if scratchCount + count > scratchCapacity {
            var capacity = scratchCapacity * 2
            while capacity < scratchCount + count { capacity *= 2 }
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
            grown.moveInitialize(from: scratch, count: scratchCount)
            scratch.deallocate()
            scratch = grown
            scratchCapacity = capacity
        }
        (scratch + scratchCount).initialize(from: source, count: count)
        scratchCount += count
    }
}
