/// Turns validated CSV records of one kind into table rows.
protocol RecordMapper {
    /// The table columns each row fills, in the order `map` appends them.
    var tableColumns: [String] { get }

    /// Validates `reader`'s record and appends its row to `upsert`; a bad value adds a problem
    /// to `reader` instead (the caller then discards the row).
    func map(_ reader: inout FieldReader, into upsert: BulkUpsert, warnings: inout [ImportProblem])
}

extension RecordMapper {
    /// Appends the text of `column` as is, or NULL when empty or absent.
    func appendOptionalText(_ column: String, from reader: FieldReader, into upsert: BulkUpsert) {
        if let value = reader.bytes(column), !value.isEmpty {
            upsert.appendText(value)
        } else {
            upsert.appendNull()
        }
    }

    func appendOptional(_ value: Int64?, into upsert: BulkUpsert) {
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

    func map(_ reader: inout FieldReader, into upsert: BulkUpsert, warnings: inout [ImportProblem]) {
        for column in tableColumns {
            switch column {
            case "id":
                if let id = reader.identifier("id") { upsert.appendText(id) } else { upsert.appendNull() }
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

    func map(_ reader: inout FieldReader, into upsert: BulkUpsert, warnings: inout [ImportProblem]) {
        if let id = reader.identifier("id") { upsert.appendText(id) } else { upsert.appendNull() }
        upsert.appendInteger(customers.resolve(&reader) ?? 0)
        upsert.appendInteger(reader.timestamp("ordered_at", required: true)?.microsecondsSinceEpoch ?? 0)
        appendOptionalText("product", from: reader, into: upsert)
        appendOptionalText("category", from: reader, into: upsert)
        appendOptional(reader.integer("quantity", minimum: 1, required: true), into: upsert)
        appendOptional(reader.money("unit_price", currency: currency, required: true), into: upsert)
        upsert.appendInteger(reader.money("amount", currency: currency, required: true) ?? 0)
    }
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

    func map(_ reader: inout FieldReader, into upsert: BulkUpsert, warnings: inout [ImportProblem]) {
        if let id = reader.identifier("id") { upsert.appendText(id) } else { upsert.appendNull() }
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
