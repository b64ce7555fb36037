import GRDB

extension CRMDatabase {
    /// Job instances, newest scheduled instant first; only `job`'s when given.
    public func jobHistory(job: String? = nil, limit: Int = 100) throws -> [JobInstance] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM job_instances WHERE (?1 IS NULL OR job = ?1)
                    ORDER BY scheduled_for DESC, id DESC LIMIT ?2
                    """,
                arguments: [job, limit]
            ).map(Self.instance)
        }
    }

    /// Instances some scheduler is running (or ran until its lease expired).
    public func runningJobInstances() throws -> [JobInstance] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM job_instances WHERE outcome = 'running' ORDER BY scheduled_for").map(Self.instance)
        }
    }

    /// The last finished instance of each job.
    public func lastJobOutcomes() throws -> [String: JobInstance] {
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM job_instances AS i WHERE id = (
                        SELECT id FROM job_instances WHERE job = i.job AND outcome <> 'running'
                        ORDER BY finished_at DESC, id DESC LIMIT 1)
                    """)
            return Dictionary(rows.map(Self.instance).map { ($0.job, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// Every job the scheduler has seen, by name.
    public func jobStates() throws -> [String: JobState] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM jobs")
            return Dictionary(uniqueKeysWithValues: rows.map { row in
                (
                    row["name"],
                    JobState(
                        name: row["name"], firstSeenAt: Timestamp(microsecondsSinceEpoch: row["first_seen_at"]),
                        consecutiveFailures: row["consecutive_failures"], pausedAt: Self.instant(row["paused_at"]),
                        pausedReason: row["paused_reason"])
                )
            })
        }
    }

    /// Every scheduler that has registered, latest heartbeat first.
    public func schedulers() throws -> [SchedulerHeartbeat] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM schedulers ORDER BY heartbeat_at DESC").map { row in
                SchedulerHeartbeat(
                    id: row["id"], host: row["host"], pid: row["pid"], startedAt: Timestamp(microsecondsSinceEpoch: row["started_at"]),
                    heartbeatAt: Timestamp(microsecondsSinceEpoch: row["heartbeat_at"]), periodSeconds: row["period_seconds"],
                    stoppedAt: Self.instant(row["stopped_at"]))
            }
        }
    }

    /// Unpauses `job`; an error when it is not paused.
    public func resumeJob(_ job: String) throws {
        let resumed = try write { db in try JobStore.resume(db, job: job) }
        if !resumed { throw CRMError.invalidArgument("job '\(job)' is not paused") }
    }

    /// Failures in a row after which a job is paused.
    public func jobPauseAfterFailures() throws -> Int {
        try read { db in try JobStore.pauseAfterFailures(db) }
    }

    public func setJobPauseAfterFailures(_ count: Int) throws {
        guard count >= 1 else { throw CRMError.invalidArgument("a job is paused after at least 1 failure, not \(count)") }
        try write { db in try JobStore.setPauseAfterFailures(db, count) }
    }

    private static func instance(_ row: Row) -> JobInstance {
        JobInstance(
            job: row["job"], plugin: row["plugin"], scheduledFor: Timestamp(microsecondsSinceEpoch: row["scheduled_for"]),
            trigger: row["trigger"], outcome: row["outcome"], attempts: row["attempts"], owner: row["owner"],
            leaseExpiresAt: instant(row["lease_expires_at"]), heartbeatAt: instant(row["heartbeat_at"]),
            startedAt: Timestamp(microsecondsSinceEpoch: row["started_at"]), finishedAt: instant(row["finished_at"]), error: row["error"])
    }

    private static func instant(_ value: Int64?) -> Timestamp? {
        value.map(Timestamp.init(microsecondsSinceEpoch:))
    }
}
