import Foundation

/// Streams CSV rows (UTF-8, LF) into one file through a large byte buffer.
///
/// A struct, so the hot path pays no dynamic exclusivity checks on the buffer.
///
/// Fields are formatted straight into bytes — integers, fixed-point decimals, ISO-8601
/// timestamps — so writing a row allocates nothing. The caller writes separators and row ends
/// itself; text fields arrive pre-encoded by `CSVRowWriter.encode(_:)`, quoted if they need it.
struct CSVRowWriter {
    let path: String
    private let handle: FileHandle
    private var buffer: [UInt8]
    private let flushThreshold: Int

    private static let comma = UInt8(ascii: ",")
    private static let newline = UInt8(ascii: "\n")
    private static let zero = UInt8(ascii: "0")

    /// Creates (or truncates) the file at `path` and writes `header`, if any, as its first row.
    init(path: String, header: String?, bufferSize: Int = 1 << 20) throws(SyntheticDataError) {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            let reason =
                FileManager.default.fileExists(atPath: path)
                ? "it is not a writable file" : "permission denied or no such folder"
            throw .cannotCreateFile(path: path, reason: reason)
        }
        do {
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        } catch {
            throw .cannotCreateFile(path: path, reason: error.localizedDescription)
        }
        flushThreshold = bufferSize
        buffer = []
        // Rows are short; the slack lets a row finish before the buffer is flushed.
        buffer.reserveCapacity(bufferSize + 64 * 1024)
        if let header {
            buffer.append(contentsOf: Array(header.utf8))
            buffer.append(Self.newline)
        }
    }

    /// A text field as CSV bytes: RFC 4180-quoted when it holds a comma, quote, CR or LF.
    static func encode(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        let special: Set<UInt8> = [UInt8(ascii: ","), UInt8(ascii: "\""), UInt8(ascii: "\r"), UInt8(ascii: "\n")]
        guard bytes.contains(where: special.contains) else { return bytes }
        var quoted: [UInt8] = [UInt8(ascii: "\"")]
        for byte in bytes {
            quoted.append(byte)
            if byte == UInt8(ascii: "\"") { quoted.append(byte) }
        }
        quoted.append(UInt8(ascii: "\""))
        return quoted
    }

    mutating func bytes(_ field: [UInt8]) {
        buffer.append(contentsOf: field)
    }

    mutating func bytes(_ field: ArraySlice<UInt8>) {
        buffer.append(contentsOf: field)
    }

    mutating func byte(_ value: UInt8) {
        buffer.append(value)
    }

    mutating func comma() {
        buffer.append(Self.comma)
    }

    /// Ends the row, flushing the buffer to the file once it is full.
    mutating func endRow() throws(SyntheticDataError) {
        buffer.append(Self.newline)
        if buffer.count >= flushThreshold { try flush() }
    }

    /// A decimal integer.
    mutating func integer(_ value: Int64) {
        if value < 0 {
            buffer.append(UInt8(ascii: "-"))
            // The magnitude of Int64.min does not fit an Int64; format it unsigned.
            unsignedInteger(value.magnitude)
        } else {
            unsignedInteger(UInt64(value))
        }
    }

    private mutating func unsignedInteger(_ value: UInt64) {
        var divisor: UInt64 = 1
        while divisor <= value / 10 { divisor *= 10 }
        repeat {
            buffer.append(Self.zero + UInt8(value / divisor % 10))
            divisor /= 10
        } while divisor > 0
    }

    /// A count of minor units as a decimal with `scale` digits after the dot (`3998`, 2 → `39.98`).
    mutating func decimal(minorUnits: Int64, scale: Int) {
        var divisor: Int64 = 1
        for _ in 0..<scale { divisor *= 10 }
        if minorUnits < 0 { buffer.append(UInt8(ascii: "-")) }
        let magnitude = minorUnits.magnitude
        unsignedInteger(magnitude / UInt64(divisor))
        guard scale > 0 else { return }
        buffer.append(UInt8(ascii: "."))
        digits(Int64(magnitude % UInt64(divisor)), count: scale)
    }

    /// A calendar date `YYYY-MM-DD` for a day count since 1970-01-01 (years 0000–9999).
    mutating func date(daysSinceEpoch: Int64) {
        let date = CivilCalendar.date(days: Int(daysSinceEpoch))
        digits(Int64(date.year), count: 4)
        buffer.append(UInt8(ascii: "-"))
        digits(Int64(date.month), count: 2)
        buffer.append(UInt8(ascii: "-"))
        digits(Int64(date.day), count: 2)
    }

    /// An ISO-8601 instant, `2024-12-30T10:00:00Z`, or with the local time and offset for a
    /// non-zero `offsetMinutes` (`2024-12-30T18:00:00+08:00` is the same instant).
    mutating func timestamp(secondsSinceEpoch seconds: Int64, offsetMinutes: Int64 = 0) {
        let local = seconds + offsetMinutes * 60
        let day = CivilCalendar.day(containingSecond: local)
        let secondOfDay = local - day * CivilCalendar.secondsPerDay
        date(daysSinceEpoch: day)
        buffer.append(UInt8(ascii: "T"))
        digits(secondOfDay / 3600, count: 2)
        buffer.append(UInt8(ascii: ":"))
        digits(secondOfDay / 60 % 60, count: 2)
        buffer.append(UInt8(ascii: ":"))
        digits(secondOfDay % 60, count: 2)
        if offsetMinutes == 0 {
            buffer.append(UInt8(ascii: "Z"))
            return
        }
        buffer.append(offsetMinutes > 0 ? UInt8(ascii: "+") : UInt8(ascii: "-"))
        digits(abs(offsetMinutes) / 60, count: 2)
        buffer.append(UInt8(ascii: ":"))
        digits(abs(offsetMinutes) % 60, count: 2)
    }

    /// The last `count` decimal digits of a non-negative value, zero-padded.
    private mutating func digits(_ value: Int64, count: Int) {
        var divisor: Int64 = 1
        for _ in 0..<max(0, count - 1) { divisor *= 10 }
        while divisor > 0 {
            buffer.append(Self.zero + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }

    /// Writes whatever is buffered.
    mutating func flush() throws(SyntheticDataError) {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw .writeFailed(path: path, reason: error.localizedDescription)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes the file; the writer must not be used afterwards.
    mutating func finish() throws(SyntheticDataError) {
        try flush()
        do {
            try handle.close()
        } catch {
            throw .writeFailed(path: path, reason: error.localizedDescription)
        }
    }
}
