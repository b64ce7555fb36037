import Foundation
import Logging

/// Runs due jobs. Each instance (job, scheduled instant) is claimed with a lease in the
/// database, so several schedulers on one database never run it twice.
///
/// - A job first seen starts at its next slot (no back-fill).
/// - Slots missed while no scheduler ran are caught up once: the latest.
/// - An instance whose scheduler died (its lease expired) is retried once, then failed.
/// - A failing job is recorded and the loop goes on; after N failures in a row it is paused.
///
/// ```swift
/// let scheduler = Scheduler(database: db, plugins: { catalog }, clock: FixedClock(t))
/// let outcomes = scheduler.tick()
/// ```
public final class Scheduler {
    /// Lease and heartbeat timing (`docs/decisions.md`).
    public struct Timing: Sendable {
        /// A claimed instance is another scheduler's to retry when not renewed for this long:
        /// long enough to outlast another process holding the write lock (a big import).
        public var leaseSeconds = 300
        /// How often a scheduler beats (and renews its leases).
        public var heartbeatSeconds = 15
        /// What `scheduler status` allows between beats before calling a scheduler dead.
        public var periodSeconds: Int { heartbeatSeconds * 2 }

        public init(leaseSeconds: Int = 300, heartbeatSeconds: Int = 15) {
            self.leaseSeconds = leaseSeconds
            self.heartbeatSeconds = heartbeatSeconds
        }
    }

    let database: CRMDatabase
    let plugins: () -> PluginCatalog
    let clock: any SchedulerClock
    let logger: Logger
    let timing: Timing
    let record: SchedulerRecord
    private var reportedFailures: Set<String> = []

    public init(
        database: CRMDatabase, plugins: @escaping () -> PluginCatalog, clock: any SchedulerClock, logger: Logger = Logger(label: "crm.scheduler"),
        timing: Timing = Timing(), registers: Bool = true
    ) {
        self.database = database
        self.plugins = plugins
        self.clock = clock
        self.logger = logger
        self.timing = timing
        let host = ProcessInfo.processInfo.hostName
        let pid = ProcessInfo.processInfo.processIdentifier
        record = SchedulerRecord(
            id: "\(host):\(pid):\(UUID().uuidString.prefix(8).lowercased())", host: host, pid: pid, startedAt: clock.now(),
            periodSeconds: timing.periodSeconds, registers: registers)
    }

    /// This scheduler's id, as leases and `scheduler status` show it.
    public var id: String { record.id }

    /// Runs everything due now, then returns; stops between jobs when `stop` is requested.
    @discardableResult
    public func tick(stop: StopRequest = StopRequest()) throws -> [JobOutcome] {
        let heartbeat = try startHeartbeat()
        defer { stopped(heartbeat) }
        return try runDue(stop: stop).outcomes
    }

    private func stopped(_ heartbeat: StopRequest) {
        heartbeat.request()
        guard record.registers else { return }
        _ = try? database.write { db in try JobStore.stop(db, scheduler: record.id, now: clock.now()) }
    }

    /// Runs due jobs until `stop` is requested; the current job always finishes first.
    public func loop(stop: StopRequest) throws {
        let heartbeat = try startHeartbeat()
        defer { stopped(heartbeat) }
        logger.info("scheduler started", metadata: ["scheduler": "\(record.id)"])
        while !stop.isRequested {
            let tickTime = clock.now()
            var next: Timestamp?
            do {
                let (_, jobs) = try runDue(stop: stop)
                next = jobs.compactMap { $0.schedule.next(after: tickTime) }.min()
            } catch {
                // A busy or unreachable database must not end a long-running scheduler: try again.
                logger.error("tick failed; trying again", metadata: ["error": "\(error)"])
            }
            // Wake for the next slot (at once if it came while jobs ran), or to look for new plugins.
            let now = clock.now()
            let seconds = next.map { Double($0.microsecondsSinceEpoch - now.microsecondsSinceEpoch) / 1e6 } ?? .infinity
            stop.wait(seconds: min(seconds, Double(timing.heartbeatSeconds)))
        }
        logger.info("scheduler stopped", metadata: ["scheduler": "\(record.id)"])
    }

    /// `crm job run NAME --as-of T`: runs one instance now, recorded like a scheduled one.
    public func runNow(_ name: String, asOf slot: Timestamp) throws -> JobOutcome {
        let catalog = plugins()
        let job = try catalog.job(named: name)
        let heartbeat = try startHeartbeat()
        defer { heartbeat.request() }
        guard let outcome = try run(job, slot: slot, trigger: "manual", catalog: catalog) else {
            throw CRMError.invalidArgument("job '\(name)' for \(slot.iso8601) could not be claimed")
        }
        return outcome
    }

    /// The due slots of every job now, claimed and run one after another; also returns the jobs.
    private func runDue(stop: StopRequest) throws -> (outcomes: [JobOutcome], jobs: [Job]) {
        let catalog = plugins()
        let (jobs, problems) = catalog.jobs(in: database)
        reportFailures(catalog.failures.map(\.description) + problems)
        var outcomes: [JobOutcome] = []
        for job in jobs {
            if stop.isRequested { break }
            for slot in try dueSlots(job) {
                if stop.isRequested { break }
                if let outcome = try run(job, slot: slot, trigger: "schedule", catalog: catalog) { outcomes.append(outcome) }
            }
        }
        return (outcomes, jobs)
    }

    /// Retries of instances whose scheduler died, then the latest slot not yet run.
    func dueSlots(_ job: Job) throws -> [Timestamp] {
        let now = clock.now()
        return try database.write { db in
            let firstSeen = try JobStore.firstSeen(db, job: job.name, now: now)
            if try JobStore.isPaused(db, job: job.name) { return [] }
            var slots = try JobStore.expired(db, job: job.name, now: now)
            let baseline = max(firstSeen, try JobStore.lastScheduled(db, job: job.name) ?? firstSeen)
            if let slot = job.schedule.latest(after: baseline, notAfter: now) { slots.append(slot) }
            return slots
        }
    }

    /// Claims and runs one instance; nil when another scheduler has it or it is done.
    private func run(_ job: Job, slot: Timestamp, trigger: String, catalog: PluginCatalog) throws -> JobOutcome? {
        let claim = JobClaim(
            job: job.name, plugin: job.plugin.name, slot: slot, trigger: trigger, owner: record.id, leaseSeconds: timing.leaseSeconds)
        guard let attempt = try database.write({ db in try JobStore.claim(db, claim, now: clock.now()) }) else { return nil }
        let metadata: Logger.Metadata = ["job": "\(job.name)", "instant": "\(slot.iso8601)", "attempt": "\(attempt)"]
        logger.info("job started", metadata: metadata)
        let startedAt = clock.now()
        let start = ContinuousClock.now
        let error = JobRunner(database: database, catalog: catalog, logger: logger).run(job, slot: slot)
        let duration = ContinuousClock.now - start
        let outcome = error == nil ? "succeeded" : "failed"
        let owned = try database.write { db in
            let identity = PluginIdentity(name: job.plugin.name, version: job.plugin.version, hash: job.plugin.hash)
            let runID = try RunLog.begin(db, kind: .job, subject: job.name, asOf: slot, startedAt: startedAt, plugin: identity)
            try RunLog.finish(
                db,
                run: Run(
                    id: runID, kind: .job, subject: job.name, asOf: slot, startedAt: startedAt, durationMS: duration.wholeMilliseconds,
                    outcome: RunOutcome(rawValue: outcome), rowsRead: 0, inserted: 0, updated: 0, rejected: 0, error: error))
            return try JobStore.finish(
                db, job: job.name, slot: slot, owner: record.id, outcome: outcome, now: clock.now(), runID: runID, error: error)
        }
        var ended = metadata
        ended["outcome"] = "\(outcome)"
        ended["duration"] = "\(String(format: "%.3f", Double(duration.wholeMilliseconds) / 1000))s"
        if let error { ended["error"] = "\(error)" }
        if error == nil { logger.info("job ended", metadata: ended) } else { logger.error("job ended", metadata: ended) }
        if !owned { logger.warning("job's lease had expired before it ended; another scheduler may retry it", metadata: metadata) }
        return JobOutcome(job: job.name, scheduledFor: slot, attempt: attempt, succeeded: error == nil, error: error, duration: duration)
    }

    /// Registers this scheduler and beats on a thread of its own until the returned request.
    private func startHeartbeat() throws -> StopRequest {
        let (database, clock, record, timing) = (database, clock, record, timing)
        try database.write { db in try JobStore.beat(db, scheduler: record, now: clock.now(), leaseSeconds: timing.leaseSeconds) }
        let stop = StopRequest()
        let thread = Thread {
            while !stop.wait(seconds: Double(timing.heartbeatSeconds)) {
                try? database.write { db in try JobStore.beat(db, scheduler: record, now: clock.now(), leaseSeconds: timing.leaseSeconds) }
            }
        }
        thread.name = "crm-heartbeat"
        thread.start()
        return stop
    }

    /// Logs each plugin or schedule problem once per process.
    private func reportFailures(_ problems: [String]) {
        for problem in problems where reportedFailures.insert(problem).inserted {
            logger.error("not loaded; its jobs do not run", metadata: ["problem": "\(problem)"])
        }
    }
}
