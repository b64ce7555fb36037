import Foundation
import Testing

@testable import CRMCore

@Suite("Evaluation: history, outcomes and backtests on a data set with a known answer")
struct EvaluationTests {
    static let window = EvaluationWindow(days: 90)
    static let segments = ["Active", "Lapsing", "Prospect"]

    @Test("outcomes of a past run: repurchase, churn, revenue per member and moves per segment match the data set")
    func outcomes() throws {
        let scenario = try EvaluationScenario()
        try scenario.run(EvaluationScenario.asOf)
        try scenario.run(EvaluationScenario.later)
        let first = try #require(try scenario.database.segmentationRuns("activity").first)
        let outcomes = try SegmentOutcomes.measure(
            scenario.database, segmentation: "activity", segments: Self.segments, window: Self.window, runID: first.id)
        let bySegment = Dictionary(uniqueKeysWithValues: outcomes.segments.map { ($0.rate.segment, $0) })
        let active = try #require(bySegment["Active"])
        let lapsing = try #require(bySegment["Lapsing"])
        let prospect = try #require(bySegment["Prospect"])
        #expect(active.rate.customers == 20 && active.rate.repurchaseRate == 1 && active.rate.churnRate == 0)
        #expect(active.rate.revenuePerMember == 10)
        #expect(lapsing.rate.customers == 20 && lapsing.rate.repurchaseRate == 0.25 && lapsing.rate.churnRate == 0.75)
        #expect(lapsing.rate.revenuePerMember == 2.5)
        #expect(prospect.rate.customers == 10 && prospect.rate.repurchaseRate == 0.2 && prospect.rate.churnRate == 0)
        #expect(outcomes.laterRun?.asOf == EvaluationScenario.later)
        #expect(lapsing.movedUp == 5 && lapsing.movedDown == 0 && prospect.movedUp == 2 && active.movedDown == 0)
    }

    @Test("follow-up outcomes compare the treated with the held-out customers, with an interval around the difference")
    func followUpConversion() throws {
        let scenario = try EvaluationScenario()
        try scenario.run(EvaluationScenario.asOf)
        let outcomes = try SegmentOutcomes.measure(
            scenario.database, segmentation: "activity", segments: Self.segments, window: Self.window)
        let action = try #require(outcomes.actions.first)
        let heldOut = EvaluationScenario.heldOut
        let buyers = Set(21...25)
        #expect(action.action == "winback")
        #expect(action.heldOut.customers == heldOut.count && action.treated.customers == 20 - heldOut.count)
        #expect(action.heldOut.converted == buyers.intersection(heldOut).count)
        #expect(action.treated.converted == buyers.subtracting(heldOut).count)
        let difference = try #require(action.difference)
        #expect(abs(difference.difference - (action.treated.conversion - action.heldOut.conversion)) < 1e-12)
        #expect(difference.lower < difference.difference && difference.difference < difference.upper)
    }

    @Test("a window is whole days or weeks: 90d, 12w; anything else is refused")
    func windows() throws {
        #expect(try EvaluationWindow.parse("90d").days == 90 && EvaluationWindow.parse("12w").days == 84)
        for bad in ["90x", "90", "d90", "0d", "-5d", "", "1.5w", "99999d"] {
            #expect(throws: CRMError.self, "\(bad)") { try EvaluationWindow.parse(bad) }
        }
    }

    @Test("Newcombe's interval for 56/70 against 48/80 is 0.0524 to 0.3339 (his worked example)")
    func newcombe() throws {
        let difference = try #require(ProportionDifference(successes: 56, of: 70, against: 48, of: 80))
        #expect(abs(difference.lower - 0.0524) < 0.0001 && abs(difference.upper - 0.3339) < 0.0001, "\(difference)")
    }

    @Test("a backtest as of a past instant measures the same rates and an AUC of 545.5/621, and writes nothing")
    func backtest() throws {
        let scenario = try EvaluationScenario()
        try scenario.run(EvaluationScenario.later)
        let before = try scenario.database.members(segmentation: "activity")
        let runs = try scenario.database.runs()
        let backtest = try Backtest.run(
            scenario.database, catalog: scenario.catalog, segmentation: "activity", asOf: EvaluationScenario.asOf, window: Self.window)
        let rates = try #require(backtest.variants.first?.rates)
        #expect(rates.map(\.customers) == [20, 20, 10])
        #expect(rates.map(\.repurchaseRate) == [1, 0.25, 0.2])
        #expect(rates.map(\.churnRate) == [0, 0.75, 0])
        #expect(abs((backtest.variants.first?.separation ?? 0) - 545.5 / 621) < 1e-12)
        #expect(try scenario.database.members(segmentation: "activity") == before)
        #expect(try scenario.database.runs() == runs)
    }

    @Test("a candidate plugin with a longer active threshold moves the Lapsing customers to Active")
    func candidate() throws {
        let scenario = try EvaluationScenario()
        let candidate = try scenario.sandbox.file("candidate.lua", EvaluationScenario.plugin(activeDays: 150))
        let backtest = try Backtest.run(
            scenario.database, catalog: scenario.catalog, segmentation: "activity", asOf: EvaluationScenario.asOf, window: Self.window,
            candidateFile: candidate)
        #expect(backtest.variants.count == 2)
        #expect(backtest.variants.map { $0.rates.map(\.customers) } == [[20, 20, 10], [40, 0, 10]])
    }

    @Test("bad input: a future or too early as-of, a window that ends after now, a plugin that does not load")
    func badInput() throws {
        let scenario = try EvaluationScenario()
        let broken = try scenario.sandbox.file("broken.lua", "return { name = 1 }")
        func message(_ body: () throws -> Void) -> String {
            do { try body() } catch { return "\(error)" }
            return "no error"
        }
        let backtest = { (asOf: String, file: String?) in
            _ = try Backtest.run(
                scenario.database, catalog: scenario.catalog, segmentation: "activity", asOf: Timestamp(iso8601: asOf)!,
                window: Self.window, candidateFile: file, now: EvaluationScenario.later)
        }
        #expect(message { try backtest("2023-01-01T00:00:00Z", nil) }.contains("before the first order"))
        #expect(message { try backtest("2025-02-01T00:00:00Z", nil) }.contains("after now"))
        #expect(message { try backtest("2024-10-01T00:00:00Z", broken) }.contains("does not load"))
        #expect(message { _ = try EvaluationWindow.parse("90x") }.contains("does not parse"))
        #expect(message {
            _ = try SegmentOutcomes.measure(scenario.database, segmentation: "activity", segments: Self.segments, window: Self.window)
        }.contains("has not been run yet"))
    }

    @Test("history: sizes carry over a run that changed nothing, and moves between two runs are counted")
    func history() throws {
        let scenario = try EvaluationScenario()
        try scenario.run(EvaluationScenario.asOf)
        try scenario.run(EvaluationScenario.asOf)
        try scenario.run(EvaluationScenario.later)
        let history = try SegmentHistory.load(scenario.database, segmentation: "activity", segments: Self.segments)
        #expect(history.runs.map { $0.sizes.map(\.customers) } == [[20, 20, 10], [20, 20, 10], [27, 15, 8]])
        let runs = try scenario.database.segmentationRuns("activity")
        #expect(history.from == runs[1] && history.to == runs[2])
        let moves = Dictionary(uniqueKeysWithValues: history.moves.map { ("\($0.from ?? "-")>\($0.to ?? "-")", $0.customers) })
        #expect(moves == ["Active>Active": 20, "Lapsing>Active": 5, "Lapsing>Lapsing": 15, "Prospect>Active": 2, "Prospect>Prospect": 8])
        #expect(throws: CRMError.self) { try SegmentHistory.load(scenario.database, segmentation: "activity", segments: [], fromRun: 99) }
    }
}
