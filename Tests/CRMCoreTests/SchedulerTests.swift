import Foundation
import Testing

@testable import CRMCore

@Suite("Scheduler")
struct SchedulerTests {
    static let segmentation = """
        return {
          name = "buyers", version = "1.0.0", description = "buyers and prospects",
          segmentations = {
            buyers = {
              segments = { "Buyer", "Prospect" },
              classify = function(c) if c.order_count > 0 then return "Buyer" end return "Prospect" end,
            },
          },
        }
        """

    static func jobs(_ body: String) -> String {
        "return { name = \"work\", version = \"1.0.0\", description = \"jobs\", jobs = {\n\(body)\n} }"
    }

    static let hourly = #"hourly = { schedule = "0 * * * *", run = function(job) job:log("hourly", job.scheduled_for) end },"#
    static let broken = #"broken = { schedule = "0 * * * *", run = function(job) error("boom") end },"#

    let sandbox: Sandbox
    let database: CRMDatabase

    init() throws {
        sandbox = try Sandbox()
        database = try Fixture.trickyDatabase(in: sandbox)
    }

    func catalog(_ jobs: String) throws -> PluginCatalog {
        let folder = try Plugins.folder(in: sandbox, ["work.lua": Self.jobs(jobs), "buyers.lua": Self.segmentation])
        let catalog = PluginCatalog.load(directories: [folder])
        #expect(catalog.failures.isEmpty, "\(catalog.failures)")
        return catalog
    }

    func tick(_ catalog: PluginCatalog, at instant: String) throws -> [JobOutcome] {
        try Scheduler(database: database, plugins: { catalog }, clock: FixedClock(try Timestamp.parse(instant))).tick()
    }

    @Test("a job first seen waits for its next slot; missed slots are caught up once, the latest")
    func catchUpOnce() throws {
        let catalog = try catalog(Self.hourly)
        #expect(try tick(catalog, at: "2025-01-01T00:30:00Z").isEmpty)
        let outcomes = try tick(catalog, at: "2025-01-01T05:10:00Z")
        #expect(outcomes.map(\.scheduledFor.iso8601) == ["2025-01-01T05:00:00Z"])
        #expect(outcomes.allSatisfy { $0.succeeded })
        #expect(try tick(catalog, at: "2025-01-01T05:20:00Z").isEmpty)
        let history = try database.jobHistory(job: "hourly")
        #expect(history.map(\.scheduledFor.iso8601) == ["2025-01-01T05:00:00Z"])
        #expect(history.first?.outcome == "succeeded")
        let run = try #require(try database.runs(limit: 1).first)
        #expect(run.kind == .job && run.subject == "hourly" && run.asOf?.iso8601 == "2025-01-01T05:00:00Z")
    }

    @Test("a job that raises, overruns its budget or its memory fails that instance only")
    func failuresAreContained() throws {
        let catalog = try catalog("""
            \(Self.broken)
            \(Self.hourly)
            spin = { schedule = "0 * * * *", budget = 1, run = function(job) while true do end end },
            hog = { schedule = "0 * * * *", run = function(job) local t = {} for i = 1, 1e8 do t[i] = ("x"):rep(64) .. i end end },
            """)
        _ = try tick(catalog, at: "2025-01-01T00:30:00Z")
        let outcomes = Dictionary(uniqueKeysWithValues: try tick(catalog, at: "2025-01-01T01:05:00Z").map { ($0.job, $0) })
        #expect(outcomes.count == 4)
        #expect(outcomes["hourly"]?.succeeded == true)
        #expect(outcomes["broken"]?.error?.contains("work.lua:2: boom") == true, "\(outcomes["broken"]?.error ?? "")")
        #expect(outcomes["broken"]?.error?.contains("boom") == true)
        #expect(outcomes["spin"]?.error?.contains("time limit") == true, "\(outcomes["spin"]?.error ?? "")")
        #expect(outcomes["hog"]?.error?.contains("memory") == true, "\(outcomes["hog"]?.error ?? "")")
        let failed = try database.jobHistory().filter { $0.outcome == "failed" }.map(\.job).sorted()
        #expect(failed == ["broken", "hog", "spin"])
    }

    @Test("N failures in a row pause a job; resume runs its latest missed slot")
    func pauseAndResume() throws {
        let catalog = try catalog(Self.broken)
        try database.setJobPauseAfterFailures(2)
        _ = try tick(catalog, at: "2025-01-01T00:30:00Z")
        #expect(try tick(catalog, at: "2025-01-01T01:05:00Z").count == 1)
        #expect(try tick(catalog, at: "2025-01-01T02:05:00Z").count == 1)
        #expect(try tick(catalog, at: "2025-01-01T03:05:00Z").isEmpty)
        let state = try #require(try database.jobStates()["broken"])
        #expect(state.pausedAt != nil && state.pausedReason == "failed 2 times in a row")
        try database.resumeJob("broken")
        #expect(try tick(catalog, at: "2025-01-01T03:10:00Z").map(\.scheduledFor.iso8601) == ["2025-01-01T03:00:00Z"])
        #expect(throws: CRMError.self) { try database.resumeJob("hourly") }
    }

    @Test("an instance whose scheduler died is retried once after its lease expires, then failed")
    func expiredLease() throws {
        let catalog = try catalog(Self.hourly)
        _ = try tick(catalog, at: "2025-01-01T00:30:00Z")
        func claim(_ owner: String, _ slot: String, at now: String) throws -> Int? {
            let request = JobClaim(job: "hourly", plugin: "work", slot: try Timestamp.parse(slot), trigger: "schedule", owner: owner, leaseSeconds: 60)
            return try database.write { db in try JobStore.claim(db, request, now: try Timestamp.parse(now)) }
        }
        #expect(try claim("dead", "2025-01-01T01:00:00Z", at: "2025-01-01T01:00:00Z") == 1)
        #expect(try tick(catalog, at: "2025-01-01T01:00:30Z").isEmpty)  // the lease still holds
        let retried = try tick(catalog, at: "2025-01-01T01:02:00Z")
        #expect(retried.map(\.attempt) == [2])
        #expect(retried.first?.succeeded == true)

        #expect(try claim("dead", "2025-01-01T02:00:00Z", at: "2025-01-01T02:00:00Z") == 1)
        #expect(try claim("dead too", "2025-01-01T02:00:00Z", at: "2025-01-01T02:02:00Z") == 2)
        #expect(try tick(catalog, at: "2025-01-01T02:05:00Z").isEmpty)
        let abandoned = try #require(try database.jobHistory(job: "hourly").first)
        #expect(abandoned.outcome == "failed" && abandoned.attempts == 2)
        #expect(abandoned.error?.contains("abandoned") == true)
    }

    @Test("a manual run is keyed by its instant: a success is not repeated, a failure may be")
    func manualRuns() throws {
        let catalog = try catalog("\(Self.hourly)\n\(Self.broken)")
        let scheduler = Scheduler(database: database, plugins: { catalog }, clock: SystemClock(), registers: false)
        let instant = try Timestamp.parse("2025-01-01T12:00:00Z")
        #expect(try scheduler.runNow("hourly", asOf: instant).succeeded)
        #expect(throws: CRMError.self) { try scheduler.runNow("hourly", asOf: instant) }
        #expect(try scheduler.runNow("broken", asOf: instant).succeeded == false)
        #expect(try scheduler.runNow("broken", asOf: instant).attempt == 2)
        #expect(throws: CRMError.self) { try scheduler.runNow("missing", asOf: instant) }
        #expect(try database.schedulers().isEmpty)
    }

    @Test("the job API runs segmentations as of the scheduled instant and reads customers through a filter")
    func jobAPI() throws {
        let catalog = try catalog(#"""
            report = { schedule = "0 * * * *", run = function(job)
              local runs = job:run_segmentations({ "buyers" })
              local buyers = job:customers("order_count > 0")
              local first = job.customers(nil, 2)
              error(string.format("runs=%d name=%s changed=%d buyers=%d first=%s,%s",
                #runs, runs[1].name, runs[1].changed, #buyers, first[1].id, first[2].id), 0)
            end },
            unknown = { schedule = "0 * * * *", run = function(job) job:run_segmentations("nope") end },
            """#)
        let scheduler = Scheduler(database: database, plugins: { catalog }, clock: SystemClock(), registers: false)
        let instant = try Timestamp.parse("2025-01-01T02:00:00Z")
        let outcome = try scheduler.runNow("report", asOf: instant)
        let members = try database.members(segmentation: "buyers")
        let buyers = members.filter { $0.segment == "Buyer" }.count
        let error = try #require(outcome.error)
        #expect(error.contains("runs=1 name=buyers changed=\(members.count) buyers=\(buyers) first=1,2"), "\(error)")
        let unknown = try #require(try scheduler.runNow("unknown", asOf: instant).error)
        #expect(unknown.contains("work.lua:9: in function 'run_segmentations': no segmentation named 'nope'"), "\(unknown)")
        #expect(members.allSatisfy { $0.since == instant })
    }
}

@Suite("Built-in routines")
struct RoutinesTests {
    @Test("nightly runs every segmentation and score as of its instant; its schedule moves with crm plugin set")
    func nightly() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let catalog = PluginCatalog.load(directories: [Plugins.builtIn, Plugins.examples])
        let instant = try Timestamp.parse("2025-01-01T02:30:00Z")
        let scheduler = Scheduler(database: database, plugins: { catalog }, clock: SystemClock(), registers: false)
        let outcome = try scheduler.runNow("nightly", asOf: instant)
        #expect(outcome.succeeded, "\(outcome.error ?? "")")
        for (_, segmentation) in catalog.segmentations {
            let members = try database.members(segmentation: segmentation.name)
            #expect(!members.isEmpty && members.allSatisfy { $0.since == instant }, "\(segmentation.name)")
        }
        #expect(try database.runs(limit: 100).contains { $0.kind == .score && $0.asOf == instant })

        let routines = try #require(catalog.plugin(named: "routines"))
        try PluginParameters.set(routines, key: "nightly_schedule", text: "15 4 * * *", in: database)
        try PluginParameters.set(routines, key: "nightly_timezone", text: "Europe/Berlin", in: database)
        let job = try #require(catalog.jobs(in: database).jobs.first { $0.name == "nightly" })
        #expect(job.schedule.next(after: instant)?.iso8601 == "2025-01-01T03:15:00Z")
        #expect(throws: CRMError.invalidArgument(
            "'nightly_schedule' is the schedule of job 'nightly': cron \"99 * * * *\": minute: 99 is not in 0-59")
        ) { try PluginParameters.set(routines, key: "nightly_schedule", text: "99 * * * *", in: database) }
        // An override stored before the check existed (or by hand) leaves the job out, named.
        try database.setPluginParameter(plugin: "routines", key: "nightly_schedule", value: "99 * * * *")
        let (jobs, problems) = catalog.jobs(in: database)
        #expect(!jobs.contains { $0.name == "nightly" })
        #expect(problems.first?.contains("minute: 99 is not in 0-59") == true, "\(problems)")
    }
}
