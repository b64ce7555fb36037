import GRDB

/// One pass over an input file inside the import transaction: header check, per-record
/// validation, bulk writes, and the record of every problem.
struct ImportPass {
    let kind: RecordKind
    let path: String
    let options: ImportOptions
    /// Custom fields plugins declare: extra customer columns with these names are accepted.
    let customFields: [CustomField]
    private var reader: CSVReader
    /// Field values of rows not yet written, applied once their customer rows are.
    private var pendingFieldWrites: [(line: Int, customerID: String, field: String, json: String?)] = []
    /// Tag lists of rows not yet written (a customers file's `tags` column), applied like field values.
    private var pendingTagWrites: [(line: Int, customerID: String, tags: [String])] = []
    private var refusedLines: Set<Int> = []
    /// The custom fields present in the header, in column order.
    private var fieldColumns: [CustomField] = []
    /// The customers orders or interactions were resolved to.
    private var customers: CustomerDirectory?
    var touchedCustomers: Set<Int64> { customers?.touched ?? [] }
    private var positions = ColumnPositions()

    private(set) var recordsRead = 0
    private(set) var problems: [ImportProblem] = []
    private(set) var warnings: [ImportProblem] = []
    /// Line → reason of every record not written.
    private(set) var rejectedLines: [Int: String] = [:]
    private(set) var stoppedEarly = false

    init(kind: RecordKind, path: String, options: ImportOptions, customFields: [CustomField] = []) throws {
        self.kind = kind
        self.path = options.displayName ?? path
        self.options = options
        self.customFields = kind == .customers ? customFields : []
        do {
            reader = try CSVReader(path: path)
        } catch {
            if case .cannotOpen = error.kind { throw CRMError.file(path: self.path, message: error.reason) }
            throw CRMError.importRejected(ImportFailure(
                file: self.path, problems: [ImportProblem(file: self.path, line: max(error.line, 1), reason: error.reason)],
                stoppedEarly: false))
        }
    }

    /// Reads the whole file, writing good records; returns how many rows were written.
    mutating func run(_ db: Database, runID: Int64, currency: Currency) throws -> Int {
        try readHeader()
        fieldColumns = customFields.filter { positions[$0.name] != nil }
            .sorted { (positions[$0.name] ?? 0) < (positions[$1.name] ?? 0) }
        let mapper: any RecordMapper
        switch kind {
        case .customers:
            mapper = CustomerMapper(header: positions)
        case .orders:
            let directory = try CustomerDirectory(db)
            customers = directory
            mapper = OrderMapper(customers: directory, currency: currency)
        case .interactions:
            let directory = try CustomerDirectory(db)
            customers = directory
            mapper = InteractionMapper(customers: directory, kinds: Set(InteractionKind.builtIn))
        }
        let present = Set(reader.header.names).union(kind == .customers ? [] : ["customer_pk"])
        let upsert = try BulkUpsert(
            db: db, table: kind.table, columns: mapper.tableColumns, runID: runID, clearing: options.clearEmpty ? present : [])
        defer { try? upsert.close(db: db) }
        while true {
            if shouldStop {
                stoppedEarly = hasMoreInput()
                break
            }
            let record: CSVRecord?
            do {
                record = try reader.next()
            } catch {
                add(ImportProblem(file: path, line: error.line, reason: error.reason))
                if error.isFatal { break }
                recordsRead += 1
                continue
            }
            guard let record else { break }
            recordsRead += 1
            if let progress = options.progress, recordsRead % options.progressInterval == 0 {
                progress.update(count: recordsRead, done: reader.bytesRead)
            }
            var fields = FieldReader(file: path, record: record, positions: positions)
            upsert.beginRow(line: record.line)
            mapper.map(&fields, into: upsert, warnings: &warnings)
            let fieldWrites = customFieldWrites(&fields)
            let tagWrite = kind == .customers ? Self.tags(&fields, clearEmpty: options.clearEmpty) : nil
            if fields.problems.isEmpty {
                pendingFieldWrites += fieldWrites
                if let tagWrite { pendingTagWrites.append(tagWrite) }
                for refusal in try upsert.endRow() { refuse(refusal) }
                if upsert.bufferedRows == 0 { try applyFieldWrites(db) }
            } else {
                upsert.discardRow()
                for problem in fields.problems { add(problem) }
            }
        }
        for refusal in try upsert.flush() { refuse(refusal) }
        try applyFieldWrites(db)
        // Duplicates are found when a batch is written, after later records were read.
        problems = problems.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(\.element)
        return upsert.written
    }

    private func hasMoreInput() -> Bool {
        do {
            return try reader.next() != nil
        } catch {
            return true
        }
    }

    private var shouldStop: Bool {
        !options.skipInvalid && problems.count >= options.maxProblems
    }

    /// Checks the record's custom field cells; each bad one adds a problem to `fields`.
    private func customFieldWrites(_ fields: inout FieldReader) -> [(line: Int, customerID: String, field: String, json: String?)] {
        guard !customFields.isEmpty, let id = fields.bytes("id") else { return [] }
        let customerID = String(decoding: id, as: UTF8.self)
        var writes: [(line: Int, customerID: String, field: String, json: String?)] = []
        for field in fieldColumns {
            guard let bytes = fields.bytes(field.name) else { continue }
            // An empty cell leaves the stored value alone unless --clear-empty (a required field still needs one).
            if bytes.isEmpty && !options.clearEmpty && !field.definition.required { continue }
            switch field.check(String(decoding: bytes, as: UTF8.self)) {
            case .success(let value): writes.append((fields.line, customerID, field.name, value?.json))
            case .failure(let problem): fields.report(field.name, problem.reason)
            }
        }
        return writes
    }

    /// The record's `tags` cell: tags separated by commas, each without surrounding spaces and
    /// at most 64 characters; an empty cell leaves the tags alone (no tags with `--clear-empty`).
    /// Nil without a `tags` column.
    private static func tags(_ fields: inout FieldReader, clearEmpty: Bool) -> (line: Int, customerID: String, tags: [String])? {
        guard let cell = fields.bytes("tags"), let id = fields.bytes("id"), !cell.isEmpty || clearEmpty else { return nil }
        let text = String(decoding: cell, as: UTF8.self)
        let tags = text.isEmpty ? [] : text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        for tag in tags {
            if tag.isEmpty {
                fields.report("tags", "\(ValueError.quoted(text)) has an empty tag; separate tags with single commas")
            } else if tag.first == " " || tag.last == " " {
                fields.report("tags", "tag \(ValueError.quoted(tag)) has leading or trailing spaces")
            } else if tag.count > 64 {
                fields.report("tags", "tag \(ValueError.quoted(String(tag.prefix(20)) + "…")) is longer than 64 characters")
            }
        }
        return (fields.line, String(decoding: id, as: UTF8.self), Array(Set(tags)).sorted())
    }

    /// Writes the pending field values and tags of customers that were written (not refused).
    private mutating func applyFieldWrites(_ db: Database) throws {
        for write in pendingFieldWrites where !refusedLines.contains(write.line) {
            try FieldStore.set(db, customerID: write.customerID, field: write.field, json: write.json, runID: nil)
        }
        pendingFieldWrites.removeAll(keepingCapacity: true)
        for write in pendingTagWrites where !refusedLines.contains(write.line) {
            try FollowUpStore.replaceTags(db, customerID: write.customerID, tags: write.tags)
        }
        pendingTagWrites.removeAll(keepingCapacity: true)
    }

    private mutating func refuse(_ refusal: BulkUpsert.Refusal) {
        refusedLines.insert(refusal.line)
        add(ImportProblem(file: path, line: refusal.line, column: "id", reason: refusal.reason))
    }

    private mutating func add(_ problem: ImportProblem) {
        if shouldStop {
            stoppedEarly = true
            return
        }
        if options.skipInvalid {
            rejectedLines[problem.line, default: ""] += (rejectedLines[problem.line] == nil ? "" : "; ") + problem.rejectReason
            if problems.count < options.maxProblems { problems.append(problem) }
        } else {
            problems.append(problem)
        }
    }

    /// Maps header names to positions; unknown, duplicate or missing columns refuse the file.
    private mutating func readHeader() throws {
        var headerProblems: [ImportProblem] = []
        let known = Set(kind.columns + customFields.map(\.name) + (kind == .customers ? ["tags"] : []))
        let names = reader.header.names
        // A file from a spreadsheet set to another separator reads as one long column name.
        if names.count == 1, let separator = [(";", "semicolons"), ("\t", "tabs")].first(where: { names[0].contains($0.0) }) {
            throw CRMError.importRejected(ImportFailure(file: path, problems: [ImportProblem(
                file: path, line: 1,
                reason: "the header looks separated by \(separator.1), not commas; save the file as comma-separated CSV "
                    + "(e.g. in a spreadsheet choose CSV with comma as the separator)")], stoppedEarly: false))
        }
        for (index, name) in names.enumerated() {
            if let field = customFields.first(where: { $0.name == name }), field.definition.isComputed {
                headerProblems.append(ImportProblem(
                    file: path, line: 1,
                    reason: "column '\(name)' is a computed field (plugin '\(field.plugin.name)' computes it; "
                        + "`crm field compute \(name)` recomputes it); remove the column, it cannot be imported"))
            }
            if positions[name] != nil {
                headerProblems.append(ImportProblem(file: path, line: 1, reason: "column '\(name)' appears twice in the header"))
            } else if !known.contains(name) {
                headerProblems.append(ImportProblem(
                    file: path, line: 1,
                    reason: "unknown column '\(name)' (\(kind.rawValue) files have: \(kind.columns.joined(separator: ", "))"
                        + (kind == .customers ? ", tags; other columns must be custom fields a plugin declares" + (customFields.isEmpty ? ", and none is loaded" : ": \(customFields.map(\.name).joined(separator: ", "))") : "") + ")"))
            }
            positions.add(name, at: index)
        }
        for required in kind.requiredColumns where positions[required] == nil {
            headerProblems.append(ImportProblem(file: path, line: 1, reason: "the header has no '\(required)' column"))
        }
        if !headerProblems.isEmpty {
            throw CRMError.importRejected(ImportFailure(file: path, problems: headerProblems, stoppedEarly: false))
        }
    }
}
