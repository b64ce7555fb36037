import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Windows of import rows sorted by key, spilled to temporary files ("runs") and merged back in
/// key order: an external sort, so a file whose ids arrive scattered (a file in time order) is
/// written to its table in one ascending pass whatever its size, with one window in memory.
///
/// A run holds rows as records: the key (8 bytes), the record's length (4 bytes), the input line
/// and the row's values (`RowBuffer.Value`: a tag byte, then an integer's 8 bytes or a text's
/// length and bytes). The files are removed from their folder as soon as they are created, so
/// nothing is left behind by a crash; they are closed when merged.
///
/// The merge is stable: of rows with equal keys, the one of the earlier run (earlier lines)
/// comes first, and within a run rows keep the order they were spilled in.
final class SortedRuns {
    /// When an import spills its windows.
    enum Use {
        /// When the file is larger than four windows (at 64 bytes a row). A smaller file is
        /// written window by window: its few passes over a table that small cost less than
        /// reading the whole file before writing any of it (at M, chronological, 1M orders:
        /// 2.41–2.49 s by windows against 2.78–2.90 s spilled; at L, 10.2M orders: 46.8 s
        /// against 33.0 s).
        case forLargeFiles
        case always
        case never

        static let bytesPerRowEstimate = 64
        static let windowsInMemory = 4

        func spills(fileBytes: Int, windowRows: Int) -> Bool {
            switch self {
            case .always: return true
            case .never: return false
            case .forLargeFiles: return fileBytes / Self.bytesPerRowEstimate > Self.windowsInMemory * windowRows
            }
        }
    }

    /// Runs held at most by default: past this many, the import merges what it has before
    /// spilling more (one read buffer of 1 MiB and one open file each).
    static let defaultMaximumRuns = 64
    /// Bytes read from a run at once.
    static let readBufferSize = 1 << 20

    private let width: Int
    private let keyColumn: Int
    private let maximumRuns: Int
    private let folder: String
    private var runs: [Int32] = []

    init(width: Int, keyColumn: Int, maximumRuns: Int = defaultMaximumRuns, folder: String = NSTemporaryDirectory()) {
        self.width = width
        self.keyColumn = keyColumn
        self.maximumRuns = max(1, maximumRuns)
        self.folder = folder
    }

    deinit {
        for run in runs { close(run) }
    }

    var isEmpty: Bool { runs.isEmpty }
    var isFull: Bool { runs.count >= maximumRuns }

    /// Writes the rows of `rows`, in its order (sorted by key), as a new run.
    func spill(_ rows: WriteOrder) throws {
        let file = try Self.temporaryFile(in: folder)
        var out = RunWriter(file: file)
        do {
            // Each buffer's arrays once (references, not copies): reading them through the
            // buffer, a class, checks exclusive access on every value.
            let values = rows.buffers.map(\.values)
            let arenas = rows.buffers.map(\.arena)
            let lines = rows.buffers.map(\.lines)
            for row in rows.order {
                let buffer = Int(row.buffer)
                try out.write(values[buffer], arenas[buffer], line: lines[buffer][Int(row.row)], row: Int(row.row), width: width, keyColumn: keyColumn)
            }
            try out.flush()
            guard lseek(file, 0, SEEK_SET) == 0 else { throw Self.failure("rewinding a sorted run", in: folder) }
        } catch {
            close(file)
            throw error
        }
        runs.append(file)
    }

    /// Merges every run into rows in key order: fills the buffers `take` gives, `rowsPerBuffer`
    /// rows each, and hands each one to `emit` (the last may be shorter); stops when `emit`
    /// returns false. Leaves no run behind.
    func merge(rowsPerBuffer: Int, take: () -> RowBuffer, emit: (RowBuffer) throws -> Bool) throws {
        var readers = runs.map { RunReader(file: $0) }
        runs = []
        defer { for reader in readers { close(reader.file) } }
        var heads = try readers.indices.map { try readers[$0].nextKey() }
        var buffer = take()
        while true {
            // The smallest head; on a tie the earlier run (earlier lines).
            var next = -1
            for (run, key) in heads.enumerated() {
                guard let key else { continue }
                if next < 0 || key < heads[next]! { next = run }
            }
            guard next >= 0 else { break }
            try readers[next].readRow(into: buffer, width: width)
            heads[next] = try readers[next].nextKey()
            if buffer.rowCount == rowsPerBuffer {
                guard try emit(buffer) else { return }
                buffer = take()
            }
        }
        if buffer.rowCount > 0 { _ = try emit(buffer) }
    }

    private static func temporaryFile(in folder: String) throws -> Int32 {
        var template = Array((folder.hasSuffix("/") ? folder : folder + "/").utf8CString.dropLast()) + Array("crm-sort-XXXXXX".utf8CString)
        let file = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard file >= 0 else { throw failure("creating a temporary file", in: folder) }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        return file
    }

    /// An error naming the folder of the temporary files (`TMPDIR`), where a full disk shows.
    fileprivate static func failure(_ doing: String, in folder: String = NSTemporaryDirectory()) -> CRMError {
        .file(path: folder, message: "\(doing) to sort the import's rows by id failed: \(String(cString: strerror(errno))) (set TMPDIR to use another folder)")
    }
}

private enum RunTag: UInt8 {
    case null, integer, text, blob
}

/// Appends records to a run file through a buffer of 1 MiB, each record stored straight into
/// the buffer's bytes.
private struct RunWriter {
    let file: Int32
    private var bytes: [UInt8]
    private var end = 0

    init(file: Int32) {
        self.file = file
        bytes = [UInt8](repeating: 0, count: SortedRuns.readBufferSize)
    }

    mutating func write(_ values: [RowBuffer.Value], _ arena: [UInt8], line: Int, row: Int, width: Int, keyColumn: Int) throws {
        let first = row * width
        var size = 12 + 10
        for column in first..<(first + width) {
            switch values[column] {
            case .null: size += 1
            case .integer: size += 9
            case .text(_, let count), .blob(_, let count): size += 6 + Int(count)
            }
        }
        if end + size > bytes.count {
            try flush()
            if size > bytes.count { bytes += [UInt8](repeating: 0, count: size) }
        }
        var key = Int64.min
        if case .integer(let number) = values[first + keyColumn] { key = number }
        end = bytes.withUnsafeMutableBytes { out in
            arena.withUnsafeBufferPointer { arena in
                var at = end
                out.storeBytes(of: UInt64(bitPattern: key).littleEndian, toByteOffset: at, as: UInt64.self)
                let lengthAt = at + 8
                at += 12
                LEB128.store(UInt64(line), into: out, at: &at)
                for column in first..<(first + width) {
                    switch values[column] {
                    case .null:
                        out[at] = RunTag.null.rawValue
                        at += 1
                    case .integer(let number):
                        out[at] = RunTag.integer.rawValue
                        out.storeBytes(of: UInt64(bitPattern: number).littleEndian, toByteOffset: at + 1, as: UInt64.self)
                        at += 9
                    case .text(let start, let count), .blob(let start, let count):
                        if case .text = values[column] { out[at] = RunTag.text.rawValue } else { out[at] = RunTag.blob.rawValue }
                        at += 1
                        LEB128.store(UInt64(count), into: out, at: &at)
                        if count > 0 {
                            (out.baseAddress! + at).copyMemory(from: arena.baseAddress! + Int(start), byteCount: Int(count))
                        }
                        at += Int(count)
                    }
                }
                out.storeBytes(of: UInt32(at - lengthAt - 4).littleEndian, toByteOffset: lengthAt, as: UInt32.self)
                return at
            }
        }
    }

    mutating func flush() throws {
        var offset = 0
        while offset < end {
            let written = bytes.withUnsafeBytes { systemWrite(file, $0.baseAddress! + offset, end - offset) }
            guard written > 0 else { throw SortedRuns.failure("writing a sorted run") }
            offset += written
        }
        end = 0
    }
}

/// Reads a run's records back, a buffer at a time.
private struct RunReader {
    let file: Int32
    private var bytes: [UInt8] = []
    private var start = 0
    private var end = 0
    private var exhausted = false

    init(file: Int32) {
        self.file = file
        bytes = [UInt8](repeating: 0, count: SortedRuns.readBufferSize)
    }

    private static let damaged = CRMError.internalInconsistency("a sorted run of the import ends inside a row")

    /// The key of the next record; nil at the end of the run.
    mutating func nextKey() throws -> Int64? {
        guard try available(12) else { return nil }
        return Int64(bitPattern: load(start, 8))
    }

    /// Appends the next record's row (whose key `nextKey` returned) to `buffer`.
    mutating func readRow(into buffer: RowBuffer, width: Int) throws {
        let length = Int(load(start + 8, 4))
        guard try available(12 + length) else { throw Self.damaged }
        var offset = start + 12
        try bytes.withUnsafeBytes { all in
            let record = UnsafeRawBufferPointer(rebasing: all[..<(start + 12 + length)])
            func varint() throws -> Int {
                guard let value = LEB128.read(record, at: &offset) else { throw Self.damaged }
                return Int(value)
            }
            buffer.beginRow(line: try varint())
            for _ in 0..<width {
                guard offset < record.count else { throw Self.damaged }
                let tag = RunTag(rawValue: record[offset]) ?? .null
                offset += 1
                switch tag {
                case .null:
                    buffer.appendNull()
                case .integer:
                    buffer.appendInteger(Int64(bitPattern: load(offset, 8)))
                    offset += 8
                case .text, .blob:
                    let count = try varint()
                    let slice = UnsafeRawBufferPointer(rebasing: record[offset..<(offset + count)])
                    if tag == .text { buffer.appendText(slice.assumingMemoryBound(to: UInt8.self)) } else { buffer.appendBlob(slice) }
                    offset += count
                }
            }
        }
        try buffer.endRow()
        start += 12 + length
    }

    /// Whether `count` bytes are in the buffer from `start`, reading more (and growing the
    /// buffer for a record longer than it) as needed.
    private mutating func available(_ count: Int) throws -> Bool {
        while end - start < count {
            if exhausted { return false }
            if start > 0 {
                bytes.withUnsafeMutableBufferPointer { all in
                    _ = memmove(all.baseAddress!, all.baseAddress! + start, end - start)
                }
                end -= start
                start = 0
            }
            if bytes.count - end < count { bytes += [UInt8](repeating: 0, count: count) }
            let read = bytes.withUnsafeMutableBytes { systemRead(file, $0.baseAddress! + end, $0.count - end) }
            guard read >= 0 else { throw SortedRuns.failure("reading a sorted run") }
            if read == 0 { exhausted = true } else { end += read }
        }
        return true
    }

    private func load(_ offset: Int, _ count: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in 0..<count { value |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
        return value
    }
}

private func systemWrite(_ file: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int { write(file, bytes, count) }
private func systemRead(_ file: Int32, _ bytes: UnsafeMutableRawPointer, _ count: Int) -> Int { read(file, bytes, count) }
