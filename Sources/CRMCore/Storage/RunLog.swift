import Foundation
import GRDB

/// One recorded unit of work: an import, a segmentation run or a job.
public struct Run: Sendable, Equatable, Codable {
    public var id: Int64
    public var kind: RunKind
    public var subject: String
    public var asOf: Timestamp?
    public var startedAt: Timestamp
    public var durationMS: Int64
    public var outcome: RunOutcome
    public var rowsRead: Int
    public var inserted: Int
    public var updated: Int
    public var rejected: Int
    public var error: String?
}

/// What a run did. A struct over its stored text rather than an enum, so a database written by
/// a newer crm with a kind this one does not know still lists.
public struct RunKind: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    // Codable as its text: the standard library's default for a String raw value.
    public var description: String { rawValue }

    public static let `import` = RunKind(rawValue: "import")
    public static let segmentation = RunKind(rawValue: "segmentation")
    public static let score = RunKind(rawValue: "score")
    public static let field = RunKind(rawValue: "field")
    public static let job = RunKind(rawValue: "job")
    /// The follow-up actions fired after segmentation runs (one record for all of them).
    public static let followUps = RunKind(rawValue: "follow-ups")
    /// One follow-up action whose firings failed.
    public static let followUp = RunKind(rawValue: "follow-up")
    public static let merge = RunKind(rawValue: "merge")
    public static let erasure = RunKind(rawValue: "erasure")
    public static let anonymisation = RunKind(rawValue: "anonymisation")
}

/// How a run ended (`running` while it has not).
public struct RunOutcome: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    // Codable as its text: the standard library's default for a String raw value.
    public var description: String { rawValue }

    public static let running = RunOutcome(rawValue: "running")
    public static let succeeded = RunOutcome(rawValue: "succeeded")
    public static let failed = RunOutcome(rawValue: "failed")
    /// Follow-ups of which some failed (they are retried by the next run).
    public static let partial = RunOutcome(rawValue: "partial")
}

/// The plugin code a run executed: name, version and the SHA-256 of its file.
public struct PluginIdentity: Sendable, Equatable {
    public let name: String
    public let version: String
    public let hash: String
}

/// Writes and reads the `runs` table.
enum RunLog {
    /// Starts a run inside the current transaction and returns its id.
    static func begin(
        _ db: Database, kind: RunKind, subject: String, asOf: Timestamp?, startedAt: Timestamp, plugin: PluginIdentity? = nil
    ) throws -> Int64 {
        try db.execute(
            sql: """
                INSERT INTO runs(kind, subject, as_of, started_at, outcome, plugin, plugin_version, plugin_hash)
                VALUES (?, ?, ?, ?, 'running', ?, ?, ?)
                """,
            arguments: [
                kind.rawValue, subject, asOf?.microsecondsSinceEpoch, startedAt.microsecondsSinceEpoch, plugin?.name, plugin?.version,
                plugin?.hash,
            ])
        return db.lastInsertedRowID
    }

    /// The latest as-of instant of a succeeded run of this kind and subject, if any.
    static func latestAsOf(_ db: Database, kind: RunKind, subject: String) throws -> Timestamp? {
        try Int64.fetchOne(
            db, sql: "SELECT max(as_of) FROM runs WHERE kind = ? AND subject = ? AND outcome = 'succeeded'",
            arguments: [kind.rawValue, subject]
        ).map(Timestamp.init(microsecondsSinceEpoch:))
    }

    /// The as-of instant of the latest succeeded run (by id, so a rewound run counts) of this
    /// kind and subject, if any.
    static func lastRunAsOf(_ db: Database, kind: RunKind, subject: String) throws -> Timestamp? {
        try Int64.fetchOne(
            db, sql: "SELECT as_of FROM runs WHERE kind = ? AND subject = ? AND outcome = 'succeeded' ORDER BY id DESC LIMIT 1",
            arguments: [kind.rawValue, subject]
        ).map(Timestamp.init(microsecondsSinceEpoch:))
    }

    /// Records the end of a run begun with `begin` in the same transaction.
    static func finish(_ db: Database, run: Run) throws {
        try db.execute(
            sql: """
                UPDATE runs SET duration_ms = ?, outcome = ?, rows_read = ?, inserted = ?, updated = ?,
                    rejected = ?, error = ? WHERE id = ?
                """,
            arguments: [
                run.durationMS, run.outcome.rawValue, run.rowsRead, run.inserted, run.updated, run.rejected, run.error, run.id,
            ])
    }

    /// Records a run that failed and whose own transaction was rolled back.
    static func recordFailure(_ db: Database, run: Run, plugin: PluginIdentity? = nil) throws {
        try db.execute(
            sql: """
                INSERT INTO runs(kind, subject, as_of, started_at, duration_ms, outcome, rows_read, rejected, error,
                                 plugin, plugin_version, plugin_hash)
                VALUES (?, ?, ?, ?, ?, 'failed', ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                run.kind.rawValue, run.subject, run.asOf?.microsecondsSinceEpoch, run.startedAt.microsecondsSinceEpoch, run.durationMS,
                run.rowsRead, run.rejected, run.error, plugin?.name, plugin?.version, plugin?.hash,
            ])
    }

    static func fetchAll(_ db: Database, limit: Int) throws -> [Run] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT id, kind, subject, as_of, started_at, duration_ms, outcome, rows_read, inserted, updated,
                       rejected, error FROM runs ORDER BY id DESC LIMIT ?
                """,
            arguments: [limit]
        ).map { row in
            Run(
                id: row["id"], kind: RunKind(rawValue: row["kind"]), subject: row["subject"],
                asOf: (row["as_of"] as Int64?).map(Timestamp.init(microsecondsSinceEpoch:)),
                startedAt: Timestamp(microsecondsSinceEpoch: row["started_at"]), durationMS: row["duration_ms"],
                outcome: RunOutcome(rawValue: row["outcome"]), rowsRead: row["rows_read"], inserted: row["inserted"],
                updated: row["updated"], rejected: row["rejected"], error: row["error"])
        }
    }
}

extension CRMDatabase {
    /// Records a run that failed (its own work was rolled back or never written).
    func recordFailedRun(
        kind: RunKind, subject: String, asOf: Timestamp?, since start: ContinuousClock.Instant, rowsRead: Int = 0,
        rejected: Int = 0, error: String, plugin: PluginIdentity? = nil
    ) throws {
        let run = Run(
            id: 0, kind: kind, subject: subject, asOf: asOf, startedAt: Timestamp.now(),
            durationMS: (ContinuousClock.now - start).wholeMilliseconds, outcome: .failed, rowsRead: rowsRead, inserted: 0,
            updated: 0, rejected: rejected, error: error)
        try write { db in try RunLog.recordFailure(db, run: run, plugin: plugin) }
    }

    /// The most recent runs, newest first.
    public func runs(limit: Int = 50) throws -> [Run] {
        try read { db in try RunLog.fetchAll(db, limit: limit) }
    }
}
