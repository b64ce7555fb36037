import ArgumentParser
import CRMCore
import Foundation

extension RecordKind: ExpressibleByArgument {}

/// What `crm import` reads: one of the record kinds, or do-not-contact records.
enum ImportTarget: ExpressibleByArgument {
    case records(RecordKind)
    case contacts

    init?(argument: String) {
        if argument == "contacts" { self = .contacts } else if let kind = RecordKind(rawValue: argument) { self = .records(kind) } else { return nil }
    }

    static var allValueStrings: [String] { RecordKind.allCases.map(\.rawValue) + ["contacts"] }
}

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import customers, orders, interactions or do-not-contact records from a CSV file.",
        discussion: """
            The file needs a header row; columns may come in any order:
              customers:    id,name,email,phone,gender,birth_date,city,industry,company_size,occupation,created_at
              orders:       id,customer_id,ordered_at,product,category,quantity,unit_price,amount
              interactions: id,customer_id,kind,occurred_at
              contacts:     customer_id,channel,status,reason,changed_at   (status blocked or allowed)
            Customer files may also have a tags column (tags separated by commas, replacing the
            customer's tags) and a column per custom field the plugins declare. An interaction's
            kind is a built-in one (\(InteractionKind.builtIn.joined(separator: ", "))) or one
            a loaded plugin declares in its profile section.
            Times are ISO-8601 with Z or an offset (2024-12-30T10:00:00+08:00) or a plain date;
            amounts use a dot (19.90). A record whose id is already known updates it: an empty
            cell leaves the stored value alone (--clear-empty clears it), and a column the file
            does not have is never touched.

            By default the import is all or nothing: one bad record and nothing is written; the
            problems are listed with file, line and column. --skip-invalid imports the good
            records and writes the bad ones, with the reason, to a rejects file.

            When standard error is a terminal, a long import shows its progress there (rows,
            rows/s, share of the file read, time left), redrawn a few times a second and cleared
            at the end; nothing is drawn when standard error is a file or a pipe.

            An orders or interactions file whose ids are out of order (an export in time order)
            is written sorted by id; a large one (over about 100 MB) is sorted with temporary
            files in TMPDIR (default /tmp), about 70 bytes a row, gone when the import ends,
            even if it is interrupted.

            Examples:
              crm import customers customers.csv
              crm import orders orders.csv --skip-invalid --rejects bad-orders.csv
              gunzip -c customers.csv.gz | crm import customers -   # - reads standard input
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "What the file holds: customers, orders, interactions or contacts.")
    var target: ImportTarget

    @Argument(help: "The CSV file (UTF-8), or - for standard input.")
    var file: String

    @Flag(help: "Import the good records and write the bad ones to the rejects file.")
    var skipInvalid = false

    @Flag(help: "An empty cell clears the stored value (by default it leaves it alone).")
    var clearEmpty = false

    @Option(help: ArgumentHelp("Where --skip-invalid writes the bad records (default: FILE.rejects.csv).", valueName: "file"))
    var rejects: String?

    @Option(help: "How many problems to list before giving up on a bad file.")
    var maxProblems = 20

    func validate() throws {
        if rejects != nil && !skipInvalid {
            throw ValidationError("--rejects only makes sense with --skip-invalid")
        }
        if maxProblems < 1 { throw ValidationError("--max-problems must be at least 1") }
        if file == "-" && skipInvalid && rejects == nil {
            throw ValidationError("--skip-invalid with - (standard input) needs --rejects FILE: there is no FILE.rejects.csv beside it")
        }
    }

    func run() throws {
        let database = try global.openDatabase()
        guard case .records(let kind) = target else {
            if skipInvalid { throw ValidationError("contacts are imported all or nothing; --skip-invalid is for records") }
            let counts = try ContactImport(database: database).importFile(path: file)
            print("Imported contacts from \(file): \(counts.blocked) channels blocked, \(counts.allowed) allowed.")
            return
        }
        var options = ImportOptions()
        options.skipInvalid = skipInvalid
        options.clearEmpty = clearEmpty
        options.rejectsPath = rejects
        options.maxProblems = maxProblems
        // Customer files may carry the custom fields that plugins declare; interaction files
        // the interaction kinds they declare.
        let catalog = kind == .orders ? nil : try global.loadPlugins(required: false)
        let fields = kind == .customers ? catalog?.fields ?? [] : []
        if kind == .interactions, let catalog { options.interactionKinds = catalog.interactionKinds }
        // Standard input is copied to a temporary file: the reader maps a file, and rejects need a second pass.
        let input = file == "-" ? try StandardInputCopy() : nil
        defer { input?.remove() }
        if input != nil { options.displayName = "stdin" }
        let path = input?.path ?? file
        if let reporter = Progress.reporter() {
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
            reporter.begin(options.displayName ?? file, unit: "rows", total: size)
            options.progress = reporter
        }
        let summary: ImportSummary
        do {
            summary = try Importer(database: database).importFile(kind, path: path, options: options, customFields: fields)
        } catch {
            Progress.clear()
            throw error
        }
        Progress.clear()
        for warning in summary.warnings { Progress.warn("warning: \(warning)") }
        if summary.warningCount > summary.warnings.count {
            Progress.warn("warning: … and \(summary.warningCount - summary.warnings.count) more warnings")
        }
        let seconds = Double(summary.duration.wholeMilliseconds) / 1000
        // A rate over a few milliseconds is noise; show it only for imports that take a while.
        let rate = seconds >= 0.5 ? ", \(Int(Double(summary.recordsRead) / seconds)) records/s" : ""
        print(
            "Imported \(summary.kind.rawValue) from \(summary.file): \(summary.recordsRead) records read, \(summary.inserted) new, "
                + "\(summary.updated) updated, \(summary.rejected) rejected (\(String(format: "%.2f", seconds)) s\(rate))."
        )
        if let rejectsPath = summary.rejectsPath {
            print("Rejected records and their reasons are in \(rejectsPath).")
        }
    }
}

/// Standard input saved to a temporary file, for `crm import KIND -`.
struct StandardInputCopy {
    let path: String

    init() throws {
        let directory = NSTemporaryDirectory() + "crm-stdin-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = directory + "/stdin.csv"
        guard FileManager.default.createFile(atPath: path, contents: nil), let output = FileHandle(forWritingAtPath: path) else {
            throw CRMErrorForCLI.cannotWrite(path)
        }
        defer { try? output.close() }
        while let chunk = try FileHandle.standardInput.read(upToCount: 1 << 20), !chunk.isEmpty {
            try output.write(contentsOf: chunk)
        }
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
    }
}
