import Foundation
import Testing

/// Collects what a running process writes to a pipe, so a test can wait for a line.
final class PipeCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    init(_ pipe: Pipe) {
        pipe.fileHandleForReading.readabilityHandler = { [self] handle in
            let chunk = handle.availableData
            lock.withLock { data.append(chunk) }
        }
    }

    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }

    /// Waits (polling, with a deadline) until the text contains `needle`.
    func wait(for needle: String, seconds: Double = 60) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if text.contains(needle) { return true }
            usleep(10_000)
        }
        return false
    }
}

@Suite("Scheduler processes")
struct SchedulerProcessTests {
    /// A segmentation and an hourly job that segments, says so, then spins `params.spin` loops.
    static let plugins = [
        "buyers.lua": """
            return {
              name = "buyers", version = "1.0.0", description = "buyers and prospects",
              segmentations = { buyers = {
                segments = { "Buyer", "Prospect" },
                classify = function(c) if c.order_count > 0 then return "Buyer" end return "Prospect" end,
              } },
            }
            """,
        "work.lua": """
            return {
              name = "work", version = "1.0.0", description = "jobs", params = { spin = 10000000 },
              jobs = {
                segment = { schedule = "*/10 * * * *", run = function(job)
                  job:run_segmentations()
                  job:log("segmented")
                  for i = 1, job.params.spin do end
                end },
              },
            }
            """,
    ]

    static func setUp() throws -> CRMProcess {
        let crm = try SegmentCommandTests.withFixtures()
        try FileManager.default.createDirectory(atPath: crm.path("plugins"), withIntermediateDirectories: true)
        for (name, text) in plugins { try crm.write("plugins/\(name)", text) }
        let prime = try crm.run("scheduler", "--once", "--now", "2025-01-01T00:05:00Z")
        #expect(prime.status == 0, "\(prime.stderr)")
        return crm
    }

    static func history(_ crm: CRMProcess) throws -> [[String]] {
        let result = try crm.run("job", "history", "--format", "csv")
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test("two schedulers at several instants: every due instance runs exactly once")
    func twoSchedulers() throws {
        let crm = try Self.setUp()
        defer { crm.remove() }
        let instants = ["2025-01-01T00:10:00Z", "2025-01-01T00:21:00Z", "2025-01-01T00:30:30Z", "2025-01-01T00:45:00Z"]
        var started = 0
        for instant in instants {
            let pair = try (0..<2).map { _ in try crm.start(["scheduler", "--once", "--now", instant]) }
            for (process, out, err) in pair {
                _ = out.fileHandleForReading.readDataToEndOfFile()
                let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                #expect(process.terminationStatus == 0, "\(stderr)")
                started += stderr.components(separatedBy: "job started").count - 1
            }
        }
        #expect(started == 4)
        let history = try Self.history(crm)
        #expect(history.map { $0[1] }.sorted() == ["2025-01-01T00:10:00Z", "2025-01-01T00:20:00Z", "2025-01-01T00:30:00Z", "2025-01-01T00:40:00Z"])
        #expect(history.allSatisfy { $0[4] == "succeeded" && $0[7] == "1" }, "\(history)")
        // The first run classified every customer; the later ones (same data) changed nothing.
        let runs = try crm.run("runs", "--limit", "50", "--format", "csv").stdout
        let segmentations = runs.split(separator: "\n").filter { $0.contains(",segmentation,buyers,") }
        #expect(segmentations.count == 4)
        #expect(segmentations.filter { $0.contains(",succeeded,20,20,0,0,") }.count == 1, "\(segmentations)")
    }

    @Test("a scheduler killed mid-job: the lease expires, the instance is retried once, memberships are not applied twice")
    func killedMidJob() throws {
        let crm = try Self.setUp()
        defer { crm.remove() }
        #expect(try crm.run("plugin", "set", "work", "spin", "4000000000").status == 0)
        let (process, _, err) = try crm.start(["scheduler", "--once", "--now", "2025-01-01T00:10:05Z"])
        let stderr = PipeCollector(err)
        #expect(stderr.wait(for: "segmented"), "\(stderr.text)")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(try Self.history(crm).map { [$0[1], $0[4]] } == [["2025-01-01T00:10:00Z", "running"]])

        #expect(try crm.run("plugin", "set", "work", "spin", "1").status == 0)
        // Within the lease (300 s from 00:10:05) nobody takes the instance over.
        let early = try crm.run("scheduler", "--once", "--now", "2025-01-01T00:14:50Z")
        #expect(early.status == 0 && !early.stderr.contains("job started"), "\(early.stderr)")
        let retry = try crm.run("scheduler", "--once", "--now", "2025-01-01T00:15:30Z")
        #expect(retry.status == 0, "\(retry.stderr)")
        #expect(retry.stderr.contains("attempt=2"), "\(retry.stderr)")
        let history = try Self.history(crm)
        #expect(history.map { [$0[1], $0[4], $0[7]] } == [["2025-01-01T00:10:00Z", "succeeded", "2"]])
        // The killed attempt's segment run had committed; the retry as of the same instant moved no one.
        let customer = try crm.run("segment", "history", "1", "--format", "csv").stdout
        #expect(customer.split(separator: "\n").filter { $0.contains(",buyers,") }.count == 1, "\(customer)")
    }

    @Test("SIGTERM during a job: the job finishes, the scheduler exits 0 and history shows the job ended")
    func terminatedMidJob() throws {
        let crm = try Self.setUp()
        defer { crm.remove() }
        #expect(try crm.run("plugin", "set", "work", "spin", "150000000").status == 0)
        let (process, _, err) = try crm.start(["scheduler", "--now", "2025-01-01T00:10:05Z"])
        let stderr = PipeCollector(err)
        #expect(stderr.wait(for: "segmented"), "\(stderr.text)")
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0, "\(stderr.text)")
        #expect(stderr.text.contains("outcome=succeeded"), "\(stderr.text)")
        #expect(stderr.text.contains("scheduler stopped"))
        let history = try Self.history(crm)
        #expect(history.count == 1)
        #expect(history.first.map { [$0[1], $0[4]] } == ["2025-01-01T00:10:00Z", "succeeded"])
        #expect(history.first.map { !$0[3].isEmpty } == true)
        let status = try crm.run("scheduler", "status")
        #expect(status.status != 0 && status.stderr.contains("no scheduler has beaten"))
    }

    @Test("a plugin with a bad job is named with file, line and job; the other plugins' jobs still run")
    func badJobPlugin() throws {
        let crm = try Self.setUp()
        defer { crm.remove() }
        try crm.write("plugins/bad.lua", """
            return {
              name = "bad", version = "1.0.0", description = "bad jobs",
              jobs = {
                a = { schedule = "0 25 * * *", run = function(job) end },
                b = { schedule = "@daily", budget = 0 },
              },
            }
            """)
        let check = try crm.run("plugin", "check", "plugins/bad.lua")
        #expect(check.status != 0)
        #expect(check.stderr.contains("plugins/bad.lua:4: jobs.a.schedule: cron \"0 25 * * *\": hour: 25 is not in 0-23"), "\(check.stderr)")
        #expect(check.stderr.contains("plugins/bad.lua:5: jobs.b"), "\(check.stderr)")
        let run = try crm.run("scheduler", "--once", "--now", "2025-01-01T00:10:00Z")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("bad.lua:4: jobs.a.schedule"))
        #expect(run.stderr.contains("job=segment outcome=succeeded") || run.stderr.contains("outcome=succeeded"))
        let list = try crm.run("job", "list", "--format", "json")
        #expect(list.stderr.contains("bad.lua"))
        let jobs = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]
        #expect(jobs?.map { $0["job"] as? String } == ["segment"])
        #expect(jobs?.first?["budget_s"] as? Int == 3600)
    }

    @Test("a job failing N times in a row shows as paused until crm job resume")
    func pauseAndResume() throws {
        let crm = try Self.setUp()
        defer { crm.remove() }
        try crm.write("plugins/fail.lua", """
            return { name = "fail", version = "1.0.0", description = "fails",
              jobs = { fails = { schedule = "*/10 * * * *", run = function(job) error("no luck") end } } }
            """)
        #expect(try crm.run("job", "settings", "--pause-after", "2").stdout.contains("pause_after_failures  2"))
        try crm.run("scheduler", "--once", "--now", "2025-01-01T00:05:30Z")
        for instant in ["2025-01-01T00:10:00Z", "2025-01-01T00:20:00Z", "2025-01-01T00:30:00Z"] {
            try crm.run("scheduler", "--once", "--now", instant)
        }
        let failures = try Self.history(crm).filter { $0[0] == "fails" }
        #expect(failures.map { $0[1] } == ["2025-01-01T00:20:00Z", "2025-01-01T00:10:00Z"])
        #expect(failures.allSatisfy { $0[4] == "failed" && $0[5].contains("fail.lua:2") && $0[5].contains("no luck") }, "\(failures)")
        let list = try crm.run("job", "list", "--format", "json", "--now", "2025-01-01T00:30:00Z")
        let jobs = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]
        let paused = jobs?.first { $0["job"] as? String == "fails" }
        #expect(paused?["paused"] as? String == "failed 2 times in a row")
        #expect(paused?["next_run"] is NSNull)
        #expect(try crm.run("job", "resume", "fails").status == 0)
        let again = try crm.run("job", "resume", "fails")
        #expect(again.status != 0 && again.stderr.contains("job 'fails' is not paused"))
        let resumed = try crm.run("scheduler", "--once", "--now", "2025-01-01T00:31:00Z")
        #expect(resumed.stderr.contains("instant=2025-01-01T00:30:00Z job=fails"), "\(resumed.stderr)")
    }

    @Test("a running scheduler wakes for a slot as its clock reaches it, then stops on SIGINT")
    func loopWakesForSlot() throws {
        let crm = try Self.setUp()
        defer { crm.remove() }
        let (process, _, err) = try crm.start(["scheduler", "--now", "2025-01-01T00:09:58Z"])
        let stderr = PipeCollector(err)
        #expect(stderr.wait(for: "outcome=succeeded", seconds: 30), "\(stderr.text)")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(stderr.text)")
        #expect(try Self.history(crm).map { $0[1] } == ["2025-01-01T00:10:00Z"])
        // It ran the slot when it came (the clock started two seconds before), not at start-up.
        #expect(try Self.history(crm).first?[2].hasPrefix("2025-01-01T00:10:0") == true)
    }

    @Test("crm job run runs one instance by hand, recorded like a scheduled one, and never twice for one instant")
    func manualRun() throws {
        let crm = try Self.setUp()
        defer { crm.remove() }
        let first = try crm.run("job", "run", "segment", "--as-of", "2025-01-01T12:00:00Z")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.hasPrefix("job segment as of 2025-01-01T12:00:00Z: succeeded in "))
        let again = try crm.run("job", "run", "segment", "--as-of", "2025-01-01T12:00:00Z")
        #expect(again.status != 0)
        #expect(again.stderr.contains("job 'segment' already ran for 2025-01-01T12:00:00Z and succeeded"), "\(again.stderr)")
        let history = try Self.history(crm)
        #expect(history.map { [$0[0], $0[1], $0[4], $0[6]] } == [["segment", "2025-01-01T12:00:00Z", "succeeded", "manual"]])
        let unknown = try crm.run("job", "run", "nope")
        #expect(unknown.status != 0 && unknown.stderr.contains("no job named 'nope' (known: segment)"))
    }
}
