/// Reads and validates the values of one CSV record, collecting a problem for every bad value
/// instead of stopping at the first.
///
/// Each reader returns nil for a missing column, an allowed empty value and a bad value alike;
/// a bad value also adds to `problems`, and a record with problems is not written.
struct FieldReader {
    let file: String
    let record: CSVRecord
    /// Index of each known column in the record, or nil when the file has no such column.
    let positions: ColumnPositions
    private(set) var problems: [ImportProblem] = []

    init(file: String, record: CSVRecord, positions: ColumnPositions) {
        self.file = file
        self.record = record
        self.positions = positions
    }

    var line: Int { record.line }

    func has(_ column: String) -> Bool { positions[column] != nil }

    mutating func report(_ column: String?, _ reason: String) {
        problems.append(ImportProblem(file: file, line: record.line, column: column, reason: reason))
    }

    /// The bytes of `column`, or nil when the file has no such column.
    func bytes(_ column: String) -> UnsafeBufferPointer<UInt8>? {
        guard let index = positions[column] else { return nil }
        return record[index].buffer
    }

    /// An identifier: required, without surrounding spaces, at most 200 bytes.
    mutating func identifier(_ column: String) -> UnsafeBufferPointer<UInt8>? {
        guard let value = bytes(column) else { return nil }
        if value.isEmpty {
            report(column, "is empty; every record needs one")
            return nil
        }
        if value.first == 0x20 || value.last == 0x20 || value.first == 0x09 || value.last == 0x09 {
            report(column, "\(ValueError.quoted(String(decoding: value, as: UTF8.self))) has leading or trailing spaces")
            return nil
        }
        if value.count > 200 {
            report(column, "is \(value.count) bytes long; ids are at most 200")
            return nil
        }
        return value
    }

    /// A required or optional instant.
    mutating func timestamp(_ column: String, required: Bool) -> Timestamp? {
        guard let value = bytes(column) else { return nil }
        if value.isEmpty {
            if required {
                report(column, "is empty; a time is required")
                return nil
            }
            return nil
        }
        do {
            return try Timestamp.parse(UnsafeRawBufferPointer(value))
        } catch {
            report(column, error.description)
            return nil
        }
    }

    /// A decimal amount in minor units of the currency; never negative.
    mutating func money(_ column: String, currency: Currency, required: Bool, allowNegative: Bool = false) -> Int64? {
        guard let value = bytes(column) else { return nil }
        if value.isEmpty {
            if required {
                report(column, "is empty; an amount is required")
                return nil
            }
            return nil
        }
        do {
            let minorUnits = try Money.parseMinorUnits(UnsafeRawBufferPointer(value), scale: currency.scale)
            if minorUnits < 0 && !allowNegative {
                report(column, "\(ValueError.quoted(String(decoding: value, as: UTF8.self))) is negative; amounts are zero or more")
                return nil
            }
            return minorUnits
        } catch {
            // Name the currency whose decimals the value exceeds.
            report(column, error.description.replacingOccurrences(of: "the currency's", with: "\(currency.code)'s"))
            return nil
        }
    }

    /// A whole number of at least `minimum`.
    mutating func integer(_ column: String, minimum: Int64, required: Bool) -> Int64? {
        guard let value = bytes(column) else { return nil }
        if value.isEmpty {
            if required {
                report(column, "is empty; a whole number is required")
                return nil
            }
            return nil
        }
        do {
            let number = try ValueParsers.parseInteger(UnsafeRawBufferPointer(value))
            if number < minimum {
                report(column, "\(ValueError.quoted(String(decoding: value, as: UTF8.self))) is less than \(minimum)")
                return nil
            }
            return number
        } catch {
            report(column, error.description)
            return nil
        }
    }
}
