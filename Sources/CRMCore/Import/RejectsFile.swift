/// The records `--skip-invalid` left out, written as CSV so they can be fixed and imported again.
///
/// Columns: `line` (where the record starts in the input), `reason`, then the record's own
/// fields exactly as read. A record the CSV reader could not split into fields (a stray quote,
/// a wrong field count) keeps its raw text in the first field column. A record that is not
/// UTF-8 is written after `line,reason,` byte for byte, so it survives exactly.
enum RejectsFile {
    static func write(from input: String, lines: [Int: String], to output: String) throws {
        do {
            let reader = try CSVReader(path: input)
            let writer = try CSVWriter(path: output)
            try writer.write(row: ["line", "reason"] + reader.header.names)
            var remaining = lines.count
            while remaining > 0 {
                let row: [String]
                do {
                    guard let record = try reader.next() else { break }
                    guard let reason = lines[record.line] else { continue }
                    row = [String(record.line), reason] + record.strings
                } catch {
                    guard let reason = lines[error.line] else {
                        if error.isFatal { break }
                        continue
                    }
                    if error.kind == .invalidUTF8, !error.rawBytes.isEmpty {
                        try writer.write(fields: [String(error.line), reason], thenRaw: error.rawBytes)
                        remaining -= 1
                        continue
                    }
                    // Padded so the rejects file has one width throughout and reads back as CSV.
                    row = [String(error.line), reason, error.rawRecord]
                        + Array(repeating: "", count: max(0, reader.header.count - 1))
                    if error.isFatal {
                        try writer.write(row: row)
                        break
                    }
                }
                try writer.write(row: row)
                remaining -= 1
            }
            try writer.close()
        } catch {
            throw CRMError.file(path: error.path, message: "cannot write the rejects file: \(error.reason)")
        }
    }
}
