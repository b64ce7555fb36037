/// `crm import contacts FILE`: do-not-contact records from a CSV file
/// (`customer_id,channel,status,reason[,changed_at]`; status `blocked` needs a reason, `allowed`
/// removes a block). All or nothing, like the other imports: one bad record and nothing is
/// written, every problem named by file, line and column.
public struct ContactImport {
    public static let columns = ["customer_id", "channel", "status", "reason", "changed_at"]
    static let required = ["customer_id", "channel", "status"]

    let database: CRMDatabase

    public init(database: CRMDatabase) {
        self.database = database
    }

    /// Imports the file; returns how many channels were blocked and allowed.
    public func importFile(path: String, now: Timestamp = .now()) throws -> (blocked: Int, allowed: Int) {
        let reader: CSVReader
        do { reader = try CSVReader(path: path) } catch {
            if case .cannotOpen = error.kind { throw CRMError.file(path: path, message: error.reason) }
            throw Self.failure(path, [ImportProblem(file: path, line: max(error.line, 1), reason: error.reason)])
        }
        var positions = ColumnPositions()
        var problems: [ImportProblem] = []
        for (index, name) in reader.header.names.enumerated() {
            if !Self.columns.contains(name) {
                problems.append(ImportProblem(file: path, line: 1, reason: "unknown column '\(name)' (contact files have: \(Self.columns.joined(separator: ", ")))"))
            } else if positions[name] != nil {
                problems.append(ImportProblem(file: path, line: 1, reason: "column '\(name)' appears twice in the header"))
            }
            positions.add(name, at: index)
        }
        for column in Self.required where positions[column] == nil {
            problems.append(ImportProblem(file: path, line: 1, reason: "the header has no '\(column)' column"))
        }
        if !problems.isEmpty { throw Self.failure(path, problems) }
        let known = Set(try database.customerIDs())
        var changes: [(customerID: String, channel: String, reason: String?, at: Timestamp)] = []
        while true {
            let record: CSVRecord?
            do { record = try reader.next() } catch {
                problems.append(ImportProblem(file: path, line: error.line, reason: error.reason))
                if error.isFatal { break } else { continue }
            }
            guard let record else { break }
            var fields = FieldReader(file: path, record: record, positions: positions)
            let customer = fields.identifier("customer_id").map { String(decoding: $0, as: UTF8.self) }
            let channel = fields.identifier("channel").map { String(decoding: $0, as: UTF8.self) }
            let status = fields.bytes("status").map { String(decoding: $0, as: UTF8.self) }
            let reason = fields.bytes("reason").map { String(decoding: $0, as: UTF8.self) }.flatMap { $0.isEmpty ? nil : $0 }
            let at = fields.timestamp("changed_at", required: false) ?? now
            if let customer, !known.contains(customer) { fields.report("customer_id", "no customer with id \(ValueError.quoted(customer))") }
            switch status {
            case "blocked":
                if reason == nil { fields.report("reason", "is empty; a block needs a reason (opted_out, bounced, complained, ...)") }
            case "allowed": break
            default: fields.report("status", "\(ValueError.quoted(status ?? "")) is not blocked or allowed")
            }
            problems += fields.problems
            if fields.problems.isEmpty, let customer, let channel {
                changes.append((customer, channel, status == "blocked" ? reason : nil, at))
            }
        }
        if !problems.isEmpty {
            throw Self.failure(path, problems)
        }
        try database.setContacts(changes)
        return (changes.count { $0.reason != nil }, changes.count { $0.reason == nil })
    }

    private static func failure(_ path: String, _ problems: [ImportProblem]) -> CRMError {
        var failure = ImportFailure(file: path, problems: Array(problems.prefix(20)), stoppedEarly: problems.count > 20)
        failure.canSkipInvalid = false
        return .importRejected(failure)
    }
}
