import Foundation
import Testing

@testable import CRMCore

@Suite("The --where filter language: SQL-like, with errors at their column")
struct CustomerFilterTests {
    /// The fixtures with the built-in plugins, rfm run as of 2025-01-01.
    final class Setup: @unchecked Sendable {
        let sandbox: Sandbox
        let database: CRMDatabase
        let catalog: PluginCatalog

        init() throws {
            sandbox = try Sandbox()
            database = try Fixture.trickyDatabase(in: sandbox)
            catalog = PluginCatalog.load(directories: [Plugins.builtIn, Plugins.examples])
            _ = try SegmentationEngine(database: database, catalog: catalog).run(["rfm"], asOf: Plugins.asOf)
            _ = try ScoreEngine(database: database, catalog: catalog).run(["churn_risk"], asOf: Plugins.asOf)
        }

        func ids(_ expression: String) throws -> [String] {
            try CustomerFilter(expression: expression).matches(database: database, catalog: catalog, asOf: Plugins.asOf)
        }

        func error(_ expression: String) -> String {
            do {
                _ = try ids(expression)
                return "no error"
            } catch {
                return "\(error)"
            }
        }
    }

    @Test("comparisons, != and its spellings, and/or/not, in, is null, contains")
    func semantics() throws {
        let setup = try Setup()
        let all = try setup.ids("order_count >= 0")
        #expect(all.count == 20)
        let two = try setup.ids("order_count = 2")
        #expect(try setup.ids("order_count == 2") == two)
        let notTwo = try setup.ids("order_count != 2")
        #expect(Set(notTwo).isDisjoint(with: two) && notTwo.count + two.count == 20)
        #expect(try setup.ids("order_count <> 2") == notTwo)
        #expect(try setup.ids("not order_count = 2") == notTwo)
        #expect(try setup.ids("city in ('北京', 'Dublin')") == ["2", "3"])
        #expect(try setup.ids("city not in ('北京', 'Dublin') and city = 'Denver'") == ["20"])
        #expect(try setup.ids("city contains 'ont'") == ["19"])
        #expect(try setup.ids("city = 'Denver' OR city = 'Boston'") == ["14", "20"], "keywords in any case")
        #expect(try setup.ids("(city = 'Denver' or city = 'Boston') and not city = 'Boston'") == ["20"])
        // Missing values: a comparison is unknown (not a match), is null finds them, not keeps them out.
        let noRecency = try setup.ids("recency_days is null")
        #expect(!noRecency.isEmpty)
        #expect(try setup.ids("recency_days is not null").count == 20 - noRecency.count)
        #expect(Set(try setup.ids("not recency_days < 30")).isDisjoint(with: noRecency))
        #expect(try setup.ids("recency_days < 3") == ["1", "2", "5"])
    }

    @Test("segment.NAME and score.NAME filter on current segments and scores")
    func segmentsAndScores() throws {
        let setup = try Setup()
        let atRisk = try setup.database.members(segmentation: "rfm", segment: "At Risk").map(\.customerID)
        #expect(!atRisk.isEmpty)
        #expect(try setup.ids("segment.rfm = \"At Risk\"") == atRisk)
        #expect(try setup.ids("score.churn_risk >= 100") == setup.database.topScores("churn_risk", limit: 100).filter { $0.value >= 100 }.map(\.customerID).sorted(by: CustomerIDOrder.precedes))
        #expect(try setup.ids("segment.lifecycle is null").count == 20, "no lifecycle run yet: nobody has a segment")
    }

    @Test("a bare non-boolean, a wrong type, an unknown name or bad syntax is an error at its column")
    func errors() throws {
        let setup = try Setup()
        #expect(setup.error("order_count").hasPrefix("--where: column 1: order_count is a number, not a condition; compare it (e.g. order_count > 0)"))
        #expect(setup.error("\"abc\"").hasPrefix("--where: column 1: a value on its own is not a condition"))
        #expect(setup.error("order_count > 1 and industy = 'Retail'").hasPrefix("--where: column 21: no field named 'industy'; did you mean 'industry'?"))
        #expect(setup.error("order_count > 1 and industy = 'Retail'").hasSuffix("  order_count > 1 and industy = 'Retail'\n                      ^"))
        #expect(setup.error("segment.rfn = 'x'").hasPrefix("--where: column 9: no segmentation named 'rfn'; did you mean 'rfm'?"))
        #expect(setup.error("score.nosuch > 1").hasPrefix("--where: column 7: no score named 'nosuch'"))
        #expect(setup.error("order_count > 'a'").hasPrefix("--where: column 13: cannot compare a number with text by order"))
        #expect(setup.error("city contains 5").hasPrefix("--where: column 6: contains needs text on both sides"))
        #expect(setup.error("order_count ! 2").hasPrefix("--where: column 13: '!' is not an operator"))
        #expect(setup.error("order_count + 1 > 2").hasPrefix("--where: column 13: unexpected '+' (arithmetic is not part of the filter language)"))
        #expect(setup.error("(order_count > 1").hasPrefix("--where: column 17: expected ')' to close the '(' at column 1"))
        #expect(setup.error("city = 'Denver").hasPrefix("--where: column 8: this string is never closed"))
        #expect(setup.error("tag.").hasPrefix("--where: column 1: tag. needs a tag name"))
        #expect(setup.error("tag.vip") == "no error")  // a boolean: whether the customer has the tag
        #expect(setup.error("order_count > 1 order_count").hasPrefix("--where: column 17: expected and, or or the end of the expression here"))
        #expect(setup.error("").hasPrefix("--where: column 1: the expression is empty"))
    }
}
