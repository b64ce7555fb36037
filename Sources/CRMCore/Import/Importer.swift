import Foundation
import GRDB

/// What `crm import` is asked to do besides reading the file.
public struct ImportOptions: Sendable {
    /// Import the good records and write the bad ones to `rejectsPath` instead of refusing the file.
    public var skipInvalid = false
    /// An empty cell clears the stored value; by default it leaves it alone (columns absent from
    /// the file are never touched either way).
    public var clearEmpty = false
    /// Where rejected records go with `skipInvalid`; default `FILE.rejects.csv` beside the input.
    public var rejectsPath: String?
    /// How many problems an all-or-nothing import lists before it stops looking.
    public var maxProblems = 20
    /// Told every `progressInterval` records how many were read and how many bytes of the file
    /// (the caller `begin`s it with the file size).
    public var progress: ProgressReporter?
    public var progressInterval = 1024
    /// The name messages and the run log use instead of the path (e.g. `stdin` for a copy of
    /// standard input).
    public var displayName: String?
    /// The interaction kinds an interactions file may hold: the built-in ones and those the
    /// loaded plugins declare (`PluginCatalog.interactionKinds`).
    public var interactionKinds = InteractionKind.builtIn
    /// Digest entries of written rows kept in memory before they are merged into the stored
    /// digests (`ActivityDelta`); tests make it small.
    var digestEntriesInMemory = ActivityDelta.defaultEntriesPerFlush
    /// Rows of an orders or interactions file written sorted by key when they arrive out of
    /// order (`KeyOrderWindow`); 0 writes them as read. Tests set a small window.
    var keyOrderWindowRows = KeyOrderWindow.defaultCapacity
    /// Whether full windows are spilled to temporary files and merged (`SortedRuns`), so the
    /// whole file is written in key order, or written as each fills. Tests set both.
    var sortedRuns = SortedRuns.Use.forLargeFiles

    public init() {}
}

/// What an import did.
public struct ImportSummary: Sendable, Equatable {
    public let kind: RecordKind
    public let file: String
    public let runID: Int64
    /// Records read from the file (not counting the header).
    public let recordsRead: Int
    public let inserted: Int
    public let updated: Int
    public let rejected: Int
    /// Where the rejected records were written, when there were any.
    public let rejectsPath: String?
    /// Values kept but worth a look (a birth date that is not a date), at most `maxProblems`.
    public let warnings: [ImportProblem]
    public let warningCount: Int
    public let duration: Duration
}

/// Imports one CSV file into the database in one transaction: all of it, or (by default) none
/// of it when any record is bad.
public struct Importer {
    let database: CRMDatabase

    public init(database: CRMDatabase) {
        self.database = database
    }

    /// Imports `path` as records of `kind`. Throws `CRMError.importRejected` listing the problems
    /// when the file has bad records and `skipInvalid` is off; the database is then unchanged.
    ///
    /// Customer files may have a column for each of `customFields` (the loaded plugins'
    /// fields); their values are checked against the declarations like every other column.
    public func importFile(
        _ kind: RecordKind, path: String, options: ImportOptions = ImportOptions(), customFields: [CustomField] = []
    ) throws -> ImportSummary {
        let clock = ContinuousClock()
        let start = clock.now
        let startedAt = Timestamp.now()
        let name = options.displayName ?? path
        let subject = "\(kind.rawValue) from \(name)"
        var recordsRead = 0
        do {
            var pass = try ImportPass(kind: kind, path: path, options: options, customFields: customFields)
            let currency = try database.currency()
            // Orders and interactions name their customer through the directory read in this
            // transaction, so SQLite's own check of the reference would only repeat it.
            let summary = try database.write(checkingForeignKeys: kind == .customers) { db -> ImportSummary in
                let runID = try RunLog.begin(db, kind: .import, subject: subject, asOf: nil, startedAt: startedAt)
                let before = try ImportStore.count(db, table: kind.table)
                let written = try ImportStore.withImportCache(db) {
                    try ImportStore.keepingActivityCurrent(db, kind: kind, entriesInMemory: options.digestEntriesInMemory) { activity in
                        try ImportStore.deferringIndex(db, table: kind.table, incomingBytes: pass.reader.byteCount) {
                            try pass.run(db, runID: runID, currency: currency, activity: activity)
                        }
                    }
                }
                recordsRead = pass.recordsRead
                if !options.skipInvalid, !pass.problems.isEmpty {
                    throw CRMError.importRejected(
                        ImportFailure(file: name, problems: pass.problems, stoppedEarly: pass.stoppedEarly))
                }
                let inserted = try ImportStore.count(db, table: kind.table) - before
                let rejectsPath = pass.problems.isEmpty ? nil : (options.rejectsPath ?? path + ".rejects.csv")
                let duration = clock.now - start
                try RunLog.finish(
                    db,
                    run: Run(
                        id: runID, kind: .import, subject: subject, asOf: nil, startedAt: startedAt,
                        durationMS: duration.wholeMilliseconds, outcome: .succeeded, rowsRead: pass.recordsRead,
                        inserted: inserted, updated: written - inserted, rejected: pass.rejectedLines.count, error: nil))
                return ImportSummary(
                    kind: kind, file: name, runID: runID, recordsRead: pass.recordsRead, inserted: inserted,
                    updated: written - inserted, rejected: pass.rejectedLines.count, rejectsPath: rejectsPath,
                    warnings: Array(pass.warnings.prefix(options.maxProblems)), warningCount: pass.warnings.count,
                    duration: duration)
            }
            if let rejectsPath = summary.rejectsPath {
                try RejectsFile.write(from: path, lines: pass.rejectedLines, to: rejectsPath)
            }
            return summary
        } catch let error as CRMError {
            try? recordFailure(kind: kind, subject: subject, startedAt: startedAt, start: start, recordsRead: recordsRead, error: error)
            throw error
        }
    }

    private func recordFailure(
        kind: RecordKind, subject: String, startedAt: Timestamp, start: ContinuousClock.Instant, recordsRead: Int,
        error: CRMError
    ) throws {
        var rejected = 0
        if case .importRejected(let failure) = error { rejected = Set(failure.problems.map(\.line)).count }
        try database.recordFailedRun(
            kind: .import, subject: subject, asOf: nil, since: start, rowsRead: recordsRead, rejected: rejected,
            error: error.description)
    }
}

extension Duration {
    /// Whole milliseconds, for run records.
    public var wholeMilliseconds: Int64 {
        let parts = components
        return parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000
    }
}
