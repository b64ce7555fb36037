import Foundation
/// Turns validated CSV records of one kind into table rows.
protocol RecordMapper {
    /// The table columns each row fills, in the order `map` appends them.
    var tableColumns: [String] { get }

    /// Validates `reader`'s record and appends its row to `upsert`; a bad value adds a problem
    /// to `reader` instead (the caller then discards the row). A text id takes its key from `keys`.
    func map(_ reader: inout FieldReader, into upsert: RowBuffer, keys: TextKeys, warnings: inout [ImportProblem])
}

extension RecordMapper {
    /// Appends the text of `column` as is, or NULL when empty or absent.
    func appendOptionalText(_ column: String, from reader: FieldReader, into upsert: RowBuffer) {
        if let value = reader.bytes(column), !value.isEmpty {
            upsert.appendText(value)
        } else {
            upsert.appendNull()
        }
    }

    func appendOptional(_ value: Int64?, into upsert: RowBuffer) {
        if let value { upsert.appendInteger(value) } else { upsert.appendNull() }
    }
}

/// Customers: only the columns present in the file are written, so a file with `id,city`
/// updates cities and leaves names alone.
struct CustomerMapper: RecordMapper {
    let tableColumns: [String]

    init(header: ColumnPositions) {
        tableColumns = RecordKind.customers.columns.filter { header[$0] != nil }
    }

    func map(_ reader: inout FieldReader, into upsert: RowBuffer, keys: TextKeys, warnings: inout [ImportProblem]) {
        for column in tableColumns {
            switch column {
            case "id":
                upsert.appendKey(reader.identifier("id"), keys: keys)
            case "created_at":
                appendOptional(reader.timestamp("created_at", required: false)?.microsecondsSinceEpoch, into: upsert)
            case "birth_date":
                // Kept as written: birth dates in real files are often unknown or free text
                // ("NULL", "n/a"); a value that is not a date is stored and reported as a warning.
                if let value = reader.bytes(column), !value.isEmpty {
                    do {
                        _ = try CalendarDate.parse(UnsafeRawBufferPointer(value))
                    } catch {
                        warnings.append(
                            ImportProblem(
                                file: reader.file, line: reader.line, column: column,
                                reason: "\(error.description); kept as text, so no age is known"))
                    }
                }
                appendOptionalText(column, from: reader, into: upsert)
            default:
                appendOptionalText(column, from: reader, into: upsert)
            }
        }
    }
}

/// Orders: every column is written; an order's customer must already exist.
struct OrderMapper: RecordMapper {
    let tableColumns = [
        "id", "customer_pk", "ordered_at", "product", "category", "quantity", "unit_price", "amount",
    ]
    let customers: CustomerDirectory
    let currency: Currency

    func map(_ reader: inout FieldReader, into upsert: RowBuffer, keys: TextKeys, warnings: inout [ImportProblem]) {
        upsert.appendKey(reader.identifier("id"), keys: keys)
        upsert.appendInteger(customers.resolve(&reader) ?? 0)
        upsert.appendInteger(reader.timestamp("ordered_at", required: true)?.microsecondsSinceEpoch ?? 0)
        appendOptionalText("product", from: reader, into: upsert)
        appendOptionalText("category", from: reader, into: upsert)
        // A line with a negative amount (and quantity) is a return.
        let quantity = reader.integer("quantity", minimum: -Int64(Int32.max), required: true)
        let unitPrice = reader.money("unit_price", currency: currency, required: true)
        let amount = reader.money("amount", currency: currency, required: true, allowNegative: true)
        if let quantity, quantity == 0 {
            reader.report("quantity", "is 0; a purchase has a quantity of 1 or more, a return a negative one")
        } else if let quantity, let amount, (quantity < 0) != (amount < 0), amount != 0 {
            reader.report(
                "quantity", "\(quantity) does not match the amount's sign: a return has a negative amount and a negative quantity")
        } else if let quantity, let unitPrice, let amount, abs(amount - quantity * unitPrice) > Self.centTolerance(currency) {
            // Discounts exist: kept as written, and counted.
            warnings.append(ImportProblem(
                file: reader.file, line: reader.line, column: "amount",
                reason: "\(Money.formatMinorUnits(amount, scale: currency.scale)) differs from quantity × unit_price "
                    + "(\(Money.formatMinorUnits(quantity * unitPrice, scale: currency.scale))) by more than a cent; kept as written"))
        }
        appendOptional(quantity, into: upsert)
        appendOptional(unitPrice, into: upsert)
        upsert.appendInteger(amount ?? 0)
    }

    /// One cent in minor units (1 for a currency with cents, a whole unit for one without).
    static func centTolerance(_ currency: Currency) -> Int64 { currency.scale >= 2 ? Int64(pow(10.0, Double(currency.scale - 2))) : 1 }
}

/// Interactions: the kind must be one the core or a plugin declares.
struct InteractionMapper: RecordMapper {
    let tableColumns = ["id", "customer_pk", "kind", "occurred_at"]
    let customers: CustomerDirectory
    let kinds: Set<String>
    /// The kinds' UTF-8 bytes, compared with each record's bytes (no `String` per record).
    private let kindBytes: [[UInt8]]

    init(customers: CustomerDirectory, kinds: Set<String>) {
        self.customers = customers
        self.kinds = kinds
        kindBytes = kinds.map { Array($0.utf8) }
    }

    func map(_ reader: inout FieldReader, into upsert: RowBuffer, keys: TextKeys, warnings: inout [ImportProblem]) {
        upsert.appendKey(reader.identifier("id"), keys: keys)
        upsert.appendInteger(customers.resolve(&reader) ?? 0)
        if let kind = reader.bytes("kind") {
            if kindBytes.contains(where: { $0.elementsEqual(kind) }) {
                upsert.appendText(kind)
            } else {
                reader.report(
                    "kind", "\(ValueError.quoted(String(decoding: kind, as: UTF8.self))) is not a known interaction kind (known: \(kinds.sorted().joined(separator: ", ")))")
                upsert.appendNull()
            }
        } else {
            upsert.appendNull()
        }
        upsert.appendInteger(reader.timestamp("occurred_at", required: true)?.microsecondsSinceEpoch ?? 0)
    }
}
