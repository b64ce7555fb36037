import Foundation
import GRDB

/// A custom field value of a record, written once its customer row is.
typealias FieldWrite = (line: Int, customerID: String, field: String, json: String?)
/// A record's tag list, written like field values.
typealias TagWrite = (line: Int, customerID: String, tags: [String])

/// One pass over an input file inside the import transaction: header check, per-record
/// validation, bulk writes, and the record of every problem.
struct ImportPass {
    let kind: RecordKind
    let path: String
    let options: ImportOptions
    /// Custom fields plugins declare: extra customer columns with these names are accepted.
    let customFields: [CustomField]
    let reader: CSVReader
    /// Field values of rows not yet written, applied once their customer rows are.
    private var pendingFieldWrites: [FieldWrite] = []
    /// Tag lists of rows not yet written (a customers file's `tags` column), applied like field values.
    private var pendingTagWrites: [TagWrite] = []
    private var refusedLines: Set<Int> = []
    /// The custom fields present in the header, in column order.
    private(set) var fieldColumns: [CustomField] = []
    /// The customers orders or interactions were resolved to.
    private var customers: CustomerDirectory?
    private(set) var positions = ColumnPositions()

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
    ///
    /// Both cores: a parser thread reads and validates records into batches of one statement's
    /// rows (`RecordParser`), handed over through a bounded queue; this thread, the database's
    /// writer, writes them. Problems are recorded here in the order a single thread would have
    /// met them: a batch's validation problems, then the rows its statement refused.
    /// `activity` is told every batch written, to keep the activity digests current.
    mutating func run(_ db: Database, runID: Int64, currency: Currency, activity: ActivityChanges? = nil) throws -> Int {
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
            mapper = InteractionMapper(customers: directory, kinds: Set(options.interactionKinds))
        }
        let present = Set(reader.header.names).union(kind == .customers ? [] : ["customer_pk"])
        let upsert = try BulkUpsert(
            db: db, table: kind.table, columns: mapper.tableColumns, clearing: options.clearEmpty ? present : [])
        defer { try? upsert.close(db: db) }
        try activity?.start(columns: upsert.columns)
        var window: KeyOrderWindow?
        if kind != .customers, options.keyOrderWindowRows > 0, let key = upsert.columns.firstIndex(of: "pk"), let textID = upsert.columns.firstIndex(of: "text_id") {
            window = KeyOrderWindow(
                capacity: options.keyOrderWindowRows, keyColumn: key, textIDColumn: textID, rowsPerBatch: upsert.rowsPerStatement,
                runs: options.sortedRuns.spills(fileBytes: reader.byteCount, windowRows: options.keyOrderWindowRows)
                    ? SortedRuns(width: upsert.columns.count, keyColumn: key) : nil)
        }
        let parser = RecordParser(
            pass: self, mapper: mapper, keys: TextKeys(first: try RowKeys.nextTextKey(db, kind.table)),
            width: upsert.columns.count, rowsPerBatch: upsert.rowsPerStatement, runID: runID, window: window)
        let queue = BatchQueue(capacity: 4)
        let finished = DispatchSemaphore(value: 0)
        let thread = Thread { [parser, queue] in
            parser.produce(into: queue)
            finished.signal()
        }
        thread.name = "crm import parser"
        thread.start()
        // The parser reads the mapped file: it must be done before this returns, even on an error.
        var joined = false
        defer {
            if !joined {
                queue.cancel()
                finished.wait()
            }
        }
        while let group = queue.pop() {
            if let order = group.order {
                // A window sorted by key (KeyOrderWindow), written at once.
                let buffers = group.batches.map(\.rows)
                let refusals = try upsert.write(WriteOrder(buffers: buffers, order: order))
                report(group.batches, refusals: refusals)
                try activity?.note(buffers, refused: refusals)
            } else {
                for batch in group.batches {
                    let refusals = try upsert.write(batch.rows)
                    report([batch], refusals: refusals)
                    try activity?.note([batch.rows], refused: refusals)
                    pendingFieldWrites += batch.fieldWrites
                    pendingTagWrites += batch.tagWrites
                    try applyFieldWrites(db)
                }
            }
            queue.noteRefusals(refusedLines.count)
            queue.recycle(group)
        }
        finished.wait()
        joined = true
        if let error = parser.error { throw error }
        recordsRead = parser.recordsRead
        if parser.stoppedEarly { stoppedEarly = true }
        // Duplicates are found when a batch is written, after later records were read.
        keepFirstProblems()
        return upsert.written
    }

    private var shouldStop: Bool {
        !options.skipInvalid && problems.count >= options.maxProblems
    }

    /// Records what writing `batches` found: their validation problems and the rows the
    /// database refused, in line order (so an import that stops after `maxProblems` lists the
    /// first ones of the file), and their warnings.
    private mutating func report(_ batches: [RecordBatch], refusals: [BulkUpsert.Refusal]) {
        var found: [ImportProblem] = []
        for batch in batches {
            found += batch.problems
            warnings += batch.warnings
        }
        for refusal in refusals {
            refusedLines.insert(refusal.line)
            found.append(ImportProblem(file: path, line: refusal.line, column: "id", reason: refusal.reason))
        }
        if !refusals.isEmpty { found = found.inLineOrder() }
        for problem in found { add(problem) }
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

    /// Records `problem`; of all problems, the first `maxProblems` by line are reported. Rows can
    /// reach the writer out of line order (merged runs, `KeyOrderWindow`), so the problems with
    /// the smallest lines are kept, not the first to arrive.
    private mutating func add(_ problem: ImportProblem) {
        if options.skipInvalid {
            rejectedLines[problem.line, default: ""] += (rejectedLines[problem.line] == nil ? "" : "; ") + problem.rejectReason
        } else if shouldStop {
            stoppedEarly = true
        }
        problems.append(problem)
        if problems.count >= 2 * max(options.maxProblems, 1) { keepFirstProblems() }
    }

    private mutating func keepFirstProblems() {
        problems = Array(problems.inLineOrder().prefix(options.maxProblems))
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

extension [ImportProblem] {
    /// The problems sorted by line, those of one line in the order they were found.
    func inLineOrder() -> [ImportProblem] {
        enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(\.element)
    }
}
