import GRDB

/// The SQL of jobs: what the scheduler has seen, each job instance with its lease, and the
/// schedulers' heartbeats. Every claim runs in one immediate write transaction, so two
/// processes never own one instance.
enum JobStore {
    static func createTables(_ db: Database) throws {
        try db.execute(sql: """
            -- Each job the scheduler has seen: from when (no back-fill before that), its failure
            -- streak and whether it is paused.
            CREATE TABLE jobs (
                name                 TEXT PRIMARY KEY,
                first_seen_at        INTEGER NOT NULL,
                consecutive_failures INTEGER NOT NULL DEFAULT 0,
                paused_at            INTEGER,
                paused_reason        TEXT
            ) WITHOUT ROWID;
            -- One row per job instance, keyed by (job, scheduled instant): its effects happen once.
            -- outcome is running (owner holds a lease until lease_expires_at), succeeded or failed.
            CREATE TABLE job_instances (
                id               INTEGER PRIMARY KEY,
                job              TEXT NOT NULL,
                plugin           TEXT NOT NULL,
                scheduled_for    INTEGER NOT NULL,
                trigger          TEXT NOT NULL,
                outcome          TEXT NOT NULL,
                attempts         INTEGER NOT NULL DEFAULT 1,
                owner            TEXT,
                lease_expires_at INTEGER,
                heartbeat_at     INTEGER,
                started_at       INTEGER NOT NULL,
                finished_at      INTEGER,
                error            TEXT,
                run_id           INTEGER REFERENCES runs(id),
                UNIQUE (job, scheduled_for)
            );
            CREATE INDEX job_instances_running ON job_instances(outcome) WHERE outcome = 'running';
            -- Every scheduler process: its last heartbeat and the period it promised to beat in.
            CREATE TABLE schedulers (
                id             TEXT PRIMARY KEY,
                host           TEXT NOT NULL,
                pid            INTEGER NOT NULL,
                started_at     INTEGER NOT NULL,
                heartbeat_at   INTEGER NOT NULL,
                period_seconds INTEGER NOT NULL,
                stopped_at     INTEGER
            ) WITHOUT ROWID;
            """)
    }

    /// Records `job` as first seen at `now` unless it was seen before; returns when it was.
    static func firstSeen(_ db: Database, job: String, now: Timestamp) throws -> Timestamp {
        try db.execute(
            sql: "INSERT INTO jobs(name, first_seen_at) VALUES (?, ?) ON CONFLICT(name) DO NOTHING",
            arguments: [job, now.microsecondsSinceEpoch])
        let seen = try Int64.fetchOne(db, sql: "SELECT first_seen_at FROM jobs WHERE name = ?", arguments: [job])
        return Timestamp(microsecondsSinceEpoch: seen ?? now.microsecondsSinceEpoch)
    }

    /// The latest scheduled instant of any instance of `job`, if one exists.
    static func lastScheduled(_ db: Database, job: String) throws -> Timestamp? {
        try Int64.fetchOne(
            db, sql: "SELECT max(scheduled_for) FROM job_instances WHERE job = ? AND trigger = 'schedule'", arguments: [job]
        ).map(Timestamp.init(microsecondsSinceEpoch:))
    }

    static func isPaused(_ db: Database, job: String) throws -> Bool {
        try Int64.fetchOne(db, sql: "SELECT paused_at FROM jobs WHERE name = ?", arguments: [job]) != nil
    }

    /// Instances of `job` whose owner stopped beating before `now`.
    static func expired(_ db: Database, job: String, now: Timestamp) throws -> [Timestamp] {
        try Int64.fetchAll(
            db,
            sql: "SELECT scheduled_for FROM job_instances WHERE job = ? AND outcome = 'running' AND lease_expires_at < ? ORDER BY scheduled_for",
            arguments: [job, now.microsecondsSinceEpoch]
        ).map(Timestamp.init(microsecondsSinceEpoch:))
    }

    /// Claims the instance (job, slot) for `owner`: a new instance, a retry of one whose lease
    /// expired (once), or a manual re-run of a failed one. Returns the attempt number, or nil
    /// when someone else has it or it is done; throws for a manual run that cannot happen.
    static func claim(_ db: Database, _ request: JobClaim, now: Timestamp) throws -> Int? {
        let existing = try Row.fetchOne(
            db, sql: "SELECT id, outcome, attempts, lease_expires_at, owner FROM job_instances WHERE job = ? AND scheduled_for = ?",
            arguments: [request.job, request.slot.microsecondsSinceEpoch])
        let lease = now.microsecondsSinceEpoch + Int64(request.leaseSeconds) * Timestamp.microsecondsPerSecond
        guard let existing else {
            try db.execute(
                sql: """
                    INSERT INTO job_instances(job, plugin, scheduled_for, trigger, outcome, attempts, owner, lease_expires_at,
                                              heartbeat_at, started_at)
                    VALUES (?, ?, ?, ?, 'running', 1, ?, ?, ?, ?)
                    """,
                arguments: [
                    request.job, request.plugin, request.slot.microsecondsSinceEpoch, request.trigger, request.owner, lease,
                    now.microsecondsSinceEpoch, now.microsecondsSinceEpoch,
                ])
            return 1
        }
        let id: Int64 = existing["id"]
        let outcome: String = existing["outcome"]
        let attempts: Int = existing["attempts"]
        let expired = (existing["lease_expires_at"] as Int64?).map { $0 < now.microsecondsSinceEpoch } ?? true
        let manual = request.trigger == "manual"
        switch outcome {
        case "running" where !expired:
            guard manual else { return nil }
            throw CRMError.invalidArgument(
                "job '\(request.job)' for \(request.slot.iso8601) is running now (\(existing["owner"] as String? ?? "another process"))")
        case "running" where attempts >= JobClaim.maximumAttempts && !manual:
            try finish(
                db, id: id, outcome: "failed", now: now, runID: nil,
                error: "abandoned: the scheduler running it stopped \(attempts) times without finishing (lease expired)")
            return nil
        case "succeeded":
            guard manual else { return nil }
            throw CRMError.invalidArgument(
                "job '\(request.job)' already ran for \(request.slot.iso8601) and succeeded; its effects are applied once per instant (pass another --as-of)")
        case "failed" where !manual:
            return nil
        default:
            try db.execute(
                sql: """
                    UPDATE job_instances SET outcome = 'running', attempts = attempts + 1, owner = ?, lease_expires_at = ?,
                        heartbeat_at = ?, started_at = ?, finished_at = NULL, error = NULL WHERE id = ?
                    """,
                arguments: [request.owner, lease, now.microsecondsSinceEpoch, now.microsecondsSinceEpoch, id])
            return attempts + 1
        }
    }

    /// Ends an instance; returns whether `owner` still held it (a stolen lease is not overwritten).
    @discardableResult
    static func finish(
        _ db: Database, job: String, slot: Timestamp, owner: String, outcome: String, now: Timestamp, runID: Int64?, error: String?
    ) throws -> Bool {
        guard let id = try Int64.fetchOne(
            db, sql: "SELECT id FROM job_instances WHERE job = ? AND scheduled_for = ? AND owner = ? AND outcome = 'running'",
            arguments: [job, slot.microsecondsSinceEpoch, owner])
        else { return false }
        try finish(db, id: id, outcome: outcome, now: now, runID: runID, error: error)
        return true
    }

    private static func finish(_ db: Database, id: Int64, outcome: String, now: Timestamp, runID: Int64?, error: String?) throws {
        try db.execute(
            sql: """
                UPDATE job_instances SET outcome = ?, finished_at = ?, error = ?, run_id = ?, owner = NULL, lease_expires_at = NULL
                WHERE id = ?
                """,
            arguments: [outcome, now.microsecondsSinceEpoch, error, runID, id])
        let job = try String.fetchOne(db, sql: "SELECT job FROM job_instances WHERE id = ?", arguments: [id]) ?? ""
        try db.execute(sql: "INSERT INTO jobs(name, first_seen_at) VALUES (?, ?) ON CONFLICT(name) DO NOTHING", arguments: [job, now.microsecondsSinceEpoch])
        if outcome == "succeeded" {
            try db.execute(sql: "UPDATE jobs SET consecutive_failures = 0 WHERE name = ?", arguments: [job])
            return
        }
        try db.execute(sql: "UPDATE jobs SET consecutive_failures = consecutive_failures + 1 WHERE name = ?", arguments: [job])
        let limit = try pauseAfterFailures(db)
        try db.execute(
            sql: """
                UPDATE jobs SET paused_at = ?, paused_reason = 'failed ' || consecutive_failures || ' times in a row'
                WHERE name = ? AND paused_at IS NULL AND consecutive_failures >= ?
                """,
            arguments: [now.microsecondsSinceEpoch, job, limit])
    }

    /// The `job_pause_after_failures` setting: failures in a row that pause a job (default 5).
    static func pauseAfterFailures(_ db: Database) throws -> Int {
        try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = 'job_pause_after_failures'").flatMap { Int($0) } ?? 5
    }

    static func setPauseAfterFailures(_ db: Database, _ count: Int) throws {
        try db.execute(
            sql: "INSERT INTO settings(key, value) VALUES ('job_pause_after_failures', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            arguments: [String(count)])
    }

    /// Unpauses a job and clears its failure streak; false when it was not paused.
    static func resume(_ db: Database, job: String) throws -> Bool {
        try db.execute(
            sql: "UPDATE jobs SET paused_at = NULL, paused_reason = NULL, consecutive_failures = 0 WHERE name = ? AND paused_at IS NOT NULL",
            arguments: [job])
        return db.changesCount > 0
    }

    /// Keeps a scheduler's registration and the leases of its running instances alive.
    static func beat(_ db: Database, scheduler: SchedulerRecord, now: Timestamp, leaseSeconds: Int) throws {
        if scheduler.registers {
            try db.execute(
            sql: """
                INSERT INTO schedulers(id, host, pid, started_at, heartbeat_at, period_seconds) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at
                """,
            arguments: [
                scheduler.id, scheduler.host, scheduler.pid, scheduler.startedAt.microsecondsSinceEpoch, now.microsecondsSinceEpoch,
                scheduler.periodSeconds,
            ])
        }
        try db.execute(
            sql: "UPDATE job_instances SET heartbeat_at = ?, lease_expires_at = ? WHERE owner = ? AND outcome = 'running'",
            arguments: [
                now.microsecondsSinceEpoch, now.microsecondsSinceEpoch + Int64(leaseSeconds) * Timestamp.microsecondsPerSecond,
                scheduler.id,
            ])
    }

    /// Marks a scheduler stopped and forgets schedulers stopped more than a week ago.
    static func stop(_ db: Database, scheduler: String, now: Timestamp) throws {
        try db.execute(sql: "UPDATE schedulers SET stopped_at = ? WHERE id = ?", arguments: [now.microsecondsSinceEpoch, scheduler])
        try db.execute(
            sql: "DELETE FROM schedulers WHERE stopped_at < ?", arguments: [now.microsecondsSinceEpoch - 7 * Timestamp.microsecondsPerDay])
    }
}
