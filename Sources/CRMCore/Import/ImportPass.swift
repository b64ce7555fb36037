import GRDB

/// One pass over an input file inside the import transaction: header check, per-record
/// validation, bulk writes, and the record of every problem.
struct ImportPass {
    let kind: RecordKind
    let path: String
    let options: ImportOptions
    private var reader: CSVReader
    private var positions: [String: Int] = [:]

    private(set) var recordsRead = 0
    private(set) var problems: [ImportProblem] = []
    private(set) var warnings: [ImportProblem] = []
    /// Line → reason of every record not written.
    private(set) var rejectedLines: [Int: String] = [:]
    private(set) var stoppedEarly = false

    init(kind: RecordKind, path: String, options: ImportOptions) throws {
        self.kind = kind
        self.path = path
        self.options = options
        do {
            reader = try CSVReader(path: path)
        } catch {
            if case .cannotOpen = error.kind { throw CRMError.file(path: path, message: error.reason) }
            throw CRMError.importRejected(ImportFailure(
                file: path, problems: [ImportProblem(file: path, line: max(error.line, 1), reason: error.reason)],
                stoppedEarly: false))
        }
    }

    /// Reads the whole file, writing good records; returns how many rows were written.
    mutating func run(_ db: Database, runID: Int64, scale: Int) throws -> Int {
        try readHeader()
        let mapper: any RecordMapper
        switch kind {
        case .customers:
            mapper = CustomerMapper(header: positions)
        case .orders:
            mapper = OrderMapper(customers: CustomerDirectory(keys: try ImportStore.customerKeys(db)), scale: scale)
        case .interactions:
            mapper = InteractionMapper(
                customers: CustomerDirectory(keys: try ImportStore.customerKeys(db)),
                kinds: Set(InteractionKind.builtIn))
        }
        let upsert = try BulkUpsert(db: db, table: kind.table, columns: mapper.tableColumns, runID: runID)
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
            if let progress = options.progress, recordsRead % options.progressInterval == 0 { progress(recordsRead) }
            var fields = FieldReader(file: path, record: record, positions: positions)
            upsert.beginRow(line: record.line)
            mapper.map(&fields, into: upsert, warnings: &warnings)
            if fields.problems.isEmpty {
                for refusal in try upsert.endRow() { refuse(refusal) }
            } else {
                upsert.discardRow()
                for problem in fields.problems { add(problem) }
            }
        }
        for refusal in try upsert.flush() { refuse(refusal) }
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

    private mutating func refuse(_ refusal: BulkUpsert.Refusal) {
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
        let known = Set(kind.columns)
        for (index, name) in reader.header.names.enumerated() {
            if positions[name] != nil {
                headerProblems.append(ImportProblem(file: path, line: 1, reason: "column '\(name)' appears twice in the header"))
            } else if !known.contains(name) {
                headerProblems.append(ImportProblem(
                    file: path, line: 1,
                    reason: "unknown column '\(name)' (\(kind.rawValue) files have: \(kind.columns.joined(separator: ", ")))"))
            }
            positions[name] = index
        }
        for required in kind.requiredColumns where positions[required] == nil {
            headerProblems.append(ImportProblem(file: path, line: 1, reason: "the header has no '\(required)' column"))
        }
        if !headerProblems.isEmpty {
            throw CRMError.importRejected(ImportFailure(file: path, problems: headerProblems, stoppedEarly: false))
        }
    }
}
