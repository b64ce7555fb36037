import Foundation
import Testing

@testable import CRMCore

@Suite("Score decay and rounding, applied by the core")
struct ScoreDecayTests {
    static func plugin(decay: String, decimals: String = "") -> String {
        """
        return { name = "flat", version = "1", description = "d",
          scores = { flat = { \(decimals)
            decay = { half_life_days = 30, by = "days_since_last_interaction" \(decay) },
            compute = function(c) return 100, "flat" end } } }
        """
    }

    /// Scores of the fixture customers, by id, as of 2025-01-01.
    static func scores(_ source: String) throws -> [String: ScoreValue] {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let catalog = PluginCatalog.load(directories: [try Plugins.folder(in: sandbox, ["flat.lua": source])])
        #expect(catalog.failures.isEmpty, "\(catalog.failures)")
        for result in try ScoreEngine(database: database, catalog: catalog).run([], asOf: Plugins.asOf) {
            if case .failure(let error) = result { Issue.record("\(error)") }
        }
        let values = try database.topScores("flat", limit: 100)
        return Dictionary(uniqueKeysWithValues: values.map { ($0.customerID, $0) })
    }

    @Test("value halves every half-life of the by field; a customer without it is fully decayed by default, and told why")
    func decayDefault() throws {
        let scores = try Self.scores(Self.plugin(decay: ""))
        // Customer 1's last interaction was 2024-12-29, 3 days before the as-of.
        #expect(scores["1"]?.value == 100 * pow(0.5, 3.0 / 30))
        // Customer 12 was last seen in 2016: almost nothing left, but more than one who never interacted.
        let old = try #require(scores["12"]?.value)
        #expect(old > 0 && old < 0.1)
        #expect(scores["4"]?.value == 0)
        #expect(scores["4"]?.explanation == "flat; no days_since_last_interaction: fully decayed")
        #expect(scores["1"]?.explanation == "flat")
    }

    @Test("when_missing = \"kept\" leaves the computed value of a customer without the by field")
    func decayKept() throws {
        let scores = try Self.scores(Self.plugin(decay: ", when_missing = \"kept\""))
        #expect(scores["4"]?.value == 100)
        #expect(scores["4"]?.explanation == "flat")
        #expect(scores["1"]?.value == 100 * pow(0.5, 3.0 / 30))
    }

    @Test("plugin check and plugin info describe the rule for a missing age")
    func summary() {
        #expect(ScoreDecay(halfLifeDays: 30, field: "days_since_last_interaction").summary
            == "× 0.5^(days_since_last_interaction / 30); when days_since_last_interaction is nil: fully decayed (0)")
        #expect(ScoreDecay(halfLifeDays: 7.5, field: "recency_days", whenMissing: .kept).summary
            == "× 0.5^(recency_days / 7.5); when recency_days is nil: not decayed")
    }

    @Test("decimals rounds the stored value")
    func decimals() throws {
        let scores = try Self.scores(Self.plugin(decay: "", decimals: "decimals = 2,"))
        #expect(scores["1"]?.value == 93.3)  // 100 × 0.5^(1/10) = 93.303…
        #expect(scores["12"]?.value == 0)
    }

    @Test("a wrong when_missing or decimals is a plugin error pointing at the key")
    func schema() throws {
        let sandbox = try Sandbox()
        let bad = try sandbox.file("bad.lua", Self.plugin(decay: ", when_missing = \"zero\"", decimals: "decimals = 1.5,"))
        guard case .failure(let failure) = PluginCatalog.check(file: bad) else {
            Issue.record("should not load")
            return
        }
        #expect(failure.problems.map(\.keyPath).sorted() == ["scores.flat.decay.when_missing", "scores.flat.decimals"])
    }
}
