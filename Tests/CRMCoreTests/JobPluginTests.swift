import Foundation
import Testing

@testable import CRMCore

@Suite("Plugin jobs section")
struct JobPluginTests {
    static func plugin(_ name: String, jobs: String) -> String {
        """
        return {
          name = "\(name)", version = "1.0.0", description = "jobs",
          params = { when = "0 3 * * *", zone = "Europe/Berlin", count = 3 },
          jobs = {
        \(jobs)
          },
        }
        """
    }

    func problems(_ jobs: String) throws -> [PluginProblem] {
        let sandbox = try Sandbox()
        let file = try sandbox.file("broken.lua", Self.plugin("broken", jobs: jobs))
        guard case .failure(let failure) = PluginCatalog.check(file: file) else {
            throw CRMError.internalInconsistency("the plugin should not load")
        }
        return failure.problems
    }

    @Test("a valid job is loaded with its schedule, zone and budget")
    func valid() throws {
        let sandbox = try Sandbox()
        let file = try sandbox.file("ok.lua", Self.plugin("ok", jobs: """
                nightly = { schedule = "30 2 * * *", timezone = "Europe/Berlin", budget = 900, run = function(job) end },
                weekly = { schedule = { param = "when" }, timezone = { param = "zone" }, run = function(job) end },
            """))
        let plugin = try PluginCatalog.check(file: file).get()
        let jobs = plugin.definition.jobs
        #expect(jobs.map(\.name) == ["nightly", "weekly"])
        #expect(jobs[0].schedule.zoneName == "Europe/Berlin")
        #expect(jobs[0].budget == 900)
        #expect(jobs[1].schedule.expression.text == "0 3 * * *")
        #expect(jobs[1].budget == JobDefinition.defaultBudget)
        #expect(jobs[1].scheduleParameter == "when")
    }

    struct Bad: Sendable, CustomTestStringConvertible {
        let job: String
        let keyPath: String
        let says: String
        var testDescription: String { keyPath }
    }

    static let bad: [Bad] = [
        Bad(job: #"a = { schedule = "61 * * * *", run = function() end },"#, keyPath: "jobs.a.schedule", says: "minute: 61 is not in 0-59"),
        Bad(job: #"a = { schedule = "0 * * * *", timezone = "Europe/Nowhere", run = function() end },"#, keyPath: "jobs.a.timezone", says: "not an IANA time zone"),
        Bad(job: #"a = { schedule = "0 * * * *", budget = 0, run = function() end },"#, keyPath: "jobs.a.budget", says: "above 0"),
        Bad(job: #"a = { schedule = "0 * * * *", budget = -5, run = function() end },"#, keyPath: "jobs.a.budget", says: "above 0"),
        Bad(job: #"a = { schedule = "0 * * * *", budget = "soon", run = function() end },"#, keyPath: "jobs.a.budget", says: "above 0"),
        Bad(job: #"a = { schedule = "0 * * * *" },"#, keyPath: "jobs.a", says: "missing 'run'"),
        Bad(job: #"a = { schedule = "0 * * * *", run = "go" },"#, keyPath: "jobs.a.run", says: "expected a function"),
        Bad(job: #"a = { run = function() end },"#, keyPath: "jobs.a", says: "missing 'schedule'"),
        Bad(job: #"a = { schedule = "@reboot", run = function() end },"#, keyPath: "jobs.a.schedule", says: "@reboot is not supported"),
        Bad(job: #"a = { schedule = { param = "count" }, run = function() end },"#, keyPath: "jobs.a.schedule.param", says: "must be a string"),
        Bad(job: #"a = { schedule = { param = "nope" }, run = function() end },"#, keyPath: "jobs.a.schedule.param", says: "not one of the plugin's params"),
        Bad(job: #"a = { schedule = "0 * * * *", run = function() end, every = 5 },"#, keyPath: "jobs.a.every", says: "unknown key"),
        Bad(job: #"Nightly = { schedule = "0 * * * *", run = function() end },"#, keyPath: "jobs.Nightly", says: "lower case"),
    ]

    @Test("bad jobs are named by file, line and key path", arguments: bad)
    func rejects(_ item: Bad) throws {
        let problems = try problems("    " + item.job)
        let problem = try #require(problems.first { $0.keyPath == item.keyPath }, "\(problems)")
        #expect(problem.message.contains(item.says), "\(problem)")
        #expect(problem.line == 5, "\(problem)")
        #expect(problem.description.contains("broken.lua:5: \(item.keyPath): "))
    }

    @Test("two jobs of one name in two plugins: neither file loads, each names the other; the other plugin's jobs load")
    func duplicateNames() throws {
        let sandbox = try Sandbox()
        let folder = try Plugins.folder(in: sandbox, [
            "a.lua": Self.plugin("a", jobs: #"    nightly = { schedule = "@daily", run = function() end },"#),
            "b.lua": Self.plugin("b", jobs: #"    nightly = { schedule = "@hourly", run = function() end },"#),
            "c.lua": Self.plugin("c", jobs: #"    weekly = { schedule = "@weekly", run = function() end },"#),
        ])
        let catalog = PluginCatalog.load(directories: [folder])
        #expect(catalog.jobs.map(\.name) == ["weekly"])
        #expect(catalog.failures.map { ($0.file as NSString).lastPathComponent }.sorted() == ["a.lua", "b.lua"])
        let failure = try #require(catalog.failures.first { $0.file.hasSuffix("b.lua") })
        #expect(failure.description.contains("job 'nightly' is also defined by"))
        #expect(failure.description.contains("a.lua"))
        #expect(catalog.conflicts.map(\.description).first?.contains("job 'nightly' is defined by both") == true)
    }
}
