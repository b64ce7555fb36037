import Foundation

/// Rows of one output file put in time order in bounded memory, for `RowOrder.chronological`.
///
/// Each row goes, prefixed with its instant and id (`seconds,id,` then the row), into the
/// temporary file of its time bucket: `bucketDays` of the simulated history each, rows outside
/// the range in the first or last bucket. `finish` then reads one bucket at a time, sorts its
/// rows by (instant, id) and appends them to the output, so memory holds one bucket (tens of MB
/// at a million customers), never the whole file. Rows must not contain a line break, which the
/// generator's catalog and kinds guarantee.
struct TimeBuckets {
    /// Days of history per bucket; with ten years, about 130 buckets per file.
    static let bucketDays: Int64 = 30
    /// Each bucket's write buffer; many buckets are open at once, so it is small.
    static let bufferSize = 64 * 1024

    let outputPath: String
    let header: String
    private let directory: String
    private let firstSecond: Int64
    private let bucketSeconds: Int64
    private var buckets: [CSVRowWriter] = []

    /// Buckets for instants from `first` to `last` (seconds since the epoch), their temporary
    /// files in `directory` (which must exist), named after `outputPath`'s file.
    init(outputPath: String, header: String, directory: String, first: Int64, last: Int64) throws(SyntheticDataError) {
        self.outputPath = outputPath
        self.header = header
        self.directory = directory
        firstSecond = first
        bucketSeconds = Self.bucketDays * CivilCalendar.secondsPerDay
        let count = max(1, Int((last - first) / bucketSeconds) + 1)
        let name = (outputPath as NSString).lastPathComponent
        for index in 0..<count {
            buckets.append(
                try CSVRowWriter(
                    path: "\(directory)/\(name).\(index)", header: nil, bufferSize: Self.bufferSize))
        }
    }

    /// Writes one row (filled by `fill`, without its line end) that happened at `seconds`.
    mutating func row(at seconds: Int64, id: Int64, _ fill: (inout CSVRowWriter) -> Void) throws(SyntheticDataError) {
        let offset = seconds - firstSecond
        let index = offset < 0 ? 0 : min(buckets.count - 1, Int(offset / bucketSeconds))
        buckets[index].integer(seconds)
        buckets[index].comma()
        buckets[index].integer(id)
        buckets[index].comma()
        fill(&buckets[index])
        try buckets[index].endRow()
    }

    /// Sorts every bucket into the output file and removes the temporary files.
    mutating func finish() throws(SyntheticDataError) {
        for index in buckets.indices { try buckets[index].finish() }
        var output = try CSVRowWriter(path: outputPath, header: header)
        for bucket in buckets {
            let data: [UInt8]
            do {
                data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: bucket.path)))
            } catch {
                throw .writeFailed(path: bucket.path, reason: "cannot read it back: \(error.localizedDescription)")
            }
            try? FileManager.default.removeItem(atPath: bucket.path)
            for row in Self.sortedRows(data) {
                output.bytes(data[row])
                try output.endRow()
            }
        }
        buckets = []
        try output.finish()
    }

    /// The byte ranges of the rows (without the sort prefix and the line end) of one bucket's
    /// text, in (instant, id) order.
    static func sortedRows(_ data: [UInt8]) -> [Range<Int>] {
        var keys: [(seconds: Int64, id: Int64, row: Range<Int>)] = []
        var index = 0
        func number() -> Int64 {
            let negative = data[index] == UInt8(ascii: "-")
            if negative { index += 1 }
            var value: Int64 = 0
            while data[index] != UInt8(ascii: ",") {
                value = value * 10 + Int64(data[index] - UInt8(ascii: "0"))
                index += 1
            }
            index += 1
            return negative ? -value : value
        }
        while index < data.count {
            let seconds = number()
            let id = number()
            let start = index
            while data[index] != UInt8(ascii: "\n") { index += 1 }
            keys.append((seconds, id, start..<index))
            index += 1
        }
        keys.sort { ($0.seconds, $0.id) < ($1.seconds, $1.id) }
        return keys.map(\.row)
    }
}

/// Where the generator writes the rows of one file: straight into it (`RowOrder.customer`), or
/// through time buckets (`RowOrder.chronological`).
struct RowSink {
    private var direct: CSVRowWriter?
    private var buckets: TimeBuckets?

    init(direct writer: CSVRowWriter) {
        direct = writer
    }

    init(buckets: TimeBuckets) {
        self.buckets = buckets
    }

    /// One row that happened at `seconds`, with id `id`; `fill` writes its fields.
    mutating func row(at seconds: Int64, id: Int64, _ fill: (inout CSVRowWriter) -> Void) throws(SyntheticDataError) {
        if direct != nil {
            fill(&direct!)
            try direct!.endRow()
        } else {
            try buckets!.row(at: seconds, id: id, fill)
        }
    }

    mutating func finish() throws(SyntheticDataError) {
        if direct != nil { try direct!.finish() }
        if buckets != nil { try buckets!.finish() }
    }
}
