import Foundation
import Testing

@testable import CRMCore

@Suite("The HTML report and the weekly_report job")
struct HTMLReportTests {
    @Test("a database with no runs gives a page that says so, with no chart, no script and no external reference")
    func emptyDatabase() throws {
        let scenario = try EvaluationScenario()
        let page = HTMLReport(report: try EvaluationReport.gather(scenario.database, catalog: scenario.catalog)).render()
        #expect(page.contains("No segmentation has been run yet"))
        #expect(!page.contains("<svg") && !page.contains("<script") && !page.contains("src=") && !page.contains("href=\"http"))
    }

    @Test("segments, outcomes and the holdout comparison appear as charts with titles and tables; text is escaped")
    func charts() throws {
        let scenario = try EvaluationScenario()
        try scenario.run(EvaluationScenario.asOf)
        try scenario.run(EvaluationScenario.later)
        let page = HTMLReport(report: try EvaluationReport.gather(scenario.database, catalog: scenario.catalog)).render()
        for id in ["sizes-0", "moves-0", "outcomes-0", "follow-ups"] {
            #expect(page.contains("id=\"\(id)\" role=\"img\" aria-labelledby=\"\(id)-title\""), "\(id)")
        }
        #expect(page.contains("<caption>Follow-up actions: treated against held out"))
        #expect(page.contains("<th scope=\"row\">winback</th>"))
        #expect(HTML.escape("<b>\"Tom & Jerry's\"</b>") == "&lt;b&gt;&quot;Tom &amp; Jerry&#39;s&quot;&lt;/b&gt;")
    }

    @Test("a grid must name two ranks the segmentation declares; the error points at the key")
    func gridDeclaration() throws {
        let sandbox = try Sandbox()
        let folder = try Plugins.folder(in: sandbox, ["g.lua": """
            return { name = "g", version = "1", description = "d",
              segmentations = { g = { segments = { "A" }, rank = { r = "recency_days" },
                grid = { "r", "f" }, classify = function() return "A" end } } }
            """])
        let catalog = PluginCatalog.load(directories: [folder])
        #expect(catalog.plugins.isEmpty)
        #expect(catalog.failures.first?.description.contains("segmentations.g.grid: 'f' is not a rank of this segmentation (ranks: r)") == true,
            "\(catalog.failures)")
        #expect(PluginCatalog.load(directories: [Plugins.builtIn]).segmentation(named: "rfm")?.segmentation.grid == ["r", "f"])
    }

    @Test("weekly_report writes the report to its path as of the job's instant; a path that is not .html is refused")
    func weeklyReport() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let catalog = PluginCatalog.load(directories: [Plugins.builtIn])
        let routines = try #require(catalog.plugin(named: "routines"))
        let path = sandbox.path("weekly.html")
        try PluginParameters.set(routines, key: "weekly_report_path", text: path, in: database)
        let scheduler = Scheduler(database: database, plugins: { catalog }, clock: SystemClock(), registers: false)
        let instant = try Timestamp.parse("2025-01-06T06:00:00Z")
        let outcome = try scheduler.runNow("weekly_report", asOf: instant)
        #expect(outcome.succeeded, "\(outcome.error ?? "")")
        let page = try String(contentsOfFile: path, encoding: .utf8)
        #expect(page.contains("Generated 2025-01-06T06:00:00Z"))
        try PluginParameters.set(routines, key: "weekly_report_path", text: sandbox.path("weekly.sh"), in: database)
        let refused = try scheduler.runNow("weekly_report", asOf: try Timestamp.parse("2025-01-13T06:00:00Z"))
        #expect(refused.error?.contains("must end in .html") == true, "\(refused.error ?? "")")
        #expect(!FileManager.default.fileExists(atPath: sandbox.path("weekly.sh")))
    }
}
