import Foundation
import Testing

@Suite("Evaluation from the command line: report, outcomes, backtest")
struct EvaluationCommandTests {
    static var repository: String { SegmentCommandTests.repository }

    /// A working folder with the example data imported and lifecycle run twice.
    static func withRuns() throws -> CRMProcess {
        let crm = try CRMProcess()
        try crm.run("init")
        for kind in ["customers", "orders", "interactions"] {
            try crm.run("import", kind, repository + "/examples/\(kind).csv")
        }
        for asOf in ["2024-06-01", "2024-07-01"] {
            try crm.run("segment", "run", "lifecycle", "--as-of", asOf, "--plugins", repository + "/plugins")
        }
        return crm
    }

    @Test("backtest --plugin with a longer active threshold grows Active and shrinks Dormant; live memberships stay byte-identical")
    func candidate() throws {
        let crm = try Self.withRuns()
        defer { crm.remove() }
        let plugins = ["--plugins", Self.repository + "/plugins"]
        let source = try String(contentsOfFile: Self.repository + "/plugins/lifecycle.lua", encoding: .utf8)
        let changed = source.replacingOccurrences(of: "active_days = 90,", with: "active_days = 180,")
        #expect(changed != source)
        let file = try crm.write("lifecycle-180.lua", changed)
        let before = try crm.run(["segment", "members", "lifecycle", "--format", "csv"] + plugins).stdout
        let runs = try crm.run("runs", "--format", "csv").stdout
        let result = try crm.run(
            ["segment", "backtest", "lifecycle", "--as-of", "2024-06-01", "--window", "90d", "--plugin", file, "--format", "json"] + plugins)
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let variants = try #require(json["variants"] as? [[String: Any]])
        func size(_ variant: Int, _ segment: String) -> Int? {
            (variants[variant]["segments"] as? [[String: Any]])?.first { $0["segment"] as? String == segment }?["customers"] as? Int
        }
        let installedActive = try #require(size(0, "Active"))
        let candidateActive = try #require(size(1, "Active"))
        let installedDormant = try #require(size(0, "Dormant"))
        let candidateDormant = try #require(size(1, "Dormant"))
        #expect(candidateActive > installedActive && candidateDormant < installedDormant)
        #expect(variants[0]["separation"] is Double)
        #expect(try crm.run(["segment", "members", "lifecycle", "--format", "csv"] + plugins).stdout == before)
        #expect(try crm.run("runs", "--format", "csv").stdout == runs)
    }

    @Test("report and outcomes print JSON with numbers; bad input fails with a clear error and a non-zero exit")
    func reportOutcomesAndBadInput() throws {
        let crm = try Self.withRuns()
        defer { crm.remove() }
        let plugins = ["--plugins", Self.repository + "/plugins"]
        let report = try crm.run(["segment", "report", "lifecycle", "--format", "json"] + plugins)
        #expect(report.status == 0, "\(report.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])
        #expect((object["moves"] as? [[String: Any]])?.first?["customers"] is Int)
        let outcomes = try crm.run(["segment", "outcomes", "lifecycle", "--window", "30d", "--format", "json"] + plugins)
        #expect(outcomes.status == 0, "\(outcomes.stderr)")
        let measured = try #require(try JSONSerialization.jsonObject(with: Data(outcomes.stdout.utf8)) as? [String: Any])
        #expect((measured["segments"] as? [[String: Any]])?.first?["repurchase_rate"] is Double)
        #expect((measured["actions"] as? [Any])?.isEmpty == true)
        let quality = try crm.run(["quality", "--format", "json"] + plugins)
        #expect(quality.status == 0, "\(quality.stderr)")
        let checks = try #require(try JSONSerialization.jsonObject(with: Data(quality.stdout.utf8)) as? [[String: Any]])
        #expect(checks.count == 10 && checks.allSatisfy { $0["count"] is Int && $0["examples"] is [String] })
        let whole = try crm.run(["report", "--format", "json"] + plugins)
        #expect(whole.status == 0, "\(whole.stderr)")
        let reported = try #require(try JSONSerialization.jsonObject(with: Data(whole.stdout.utf8)) as? [String: Any])
        let lifecycle = (reported["segmentations"] as? [[String: Any]])?.first { $0["name"] as? String == "lifecycle" }
        #expect((lifecycle?["sizes"] as? [[String: Any]])?.first?["customers"] is Int)
        #expect(reported["jobs"] as? [Any] != nil && (reported["quality"] as? [Any])?.count == 10)
        let broken = try crm.write("broken.lua", "return { name = ")
        for (arguments, message) in [
            (["segment", "report", "nosuch"], "no segmentation named 'nosuch'"),
            (["segment", "report", "lifecycle", "--from", "9999"], "run 9999 is not a succeeded run"),
            (["segment", "outcomes", "lifecycle", "--window", "90x"], "does not parse"),
            (["segment", "backtest", "lifecycle", "--as-of", "2001-01-01", "--window", "90d"], "before the first order"),
            (["segment", "backtest", "lifecycle", "--as-of", "2999-01-01", "--window", "90d"], "is in the future"),
            (["segment", "backtest", "lifecycle", "--as-of", "2024-06-01", "--window", "90d", "--plugin", broken], "does not load"),
            (["segment", "outcomes", "rfm", "--window", "90d"], "has not been run yet"),
            (["report"], "give either --html FILE or --format json"),
        ] {
            let result = try crm.run(arguments + plugins)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }
}
