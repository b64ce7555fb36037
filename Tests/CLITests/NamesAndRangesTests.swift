import Foundation
import Testing

@Suite("Unknown names and out-of-range options are errors with a hint, never an empty result")
struct NamesAndRangesTests {
    /// Fixtures imported, the built-in and example plugins in `./plugins`, rfm run and scores computed.
    static func segmented() throws -> CRMProcess {
        let crm = try SegmentCommandTests.withFixtures()
        try FileManager.default.copyItem(atPath: SegmentCommandTests.repository + "/plugins", toPath: crm.path("plugins"))
        try FileManager.default.copyItem(
            atPath: SegmentCommandTests.repository + "/examples/plugins/churn_risk.lua", toPath: crm.path("plugins/churn_risk.lua"))
        try crm.run("segment", "run", "rfm", "--as-of", "2025-01-01")
        try crm.run("score", "run", "--as-of", "2025-01-01")
        return crm
    }

    @Test("unknown segmentation, segment (wrong case), score, field and customer id: exit 1 with a did-you-mean")
    func unknownNames() throws {
        let crm = try Self.segmented()
        defer { crm.remove() }
        let cases: [([String], String)] = [
            (["segment", "members", "rfn"], "no segmentation named 'rfn'; did you mean 'rfm'?"),
            (["segment", "members", "nosuch"], "no segmentation named 'nosuch' (known: 'buying_pattern',"),
            (["segment", "members", "rfm", "at risk"], "no segment named 'at risk' in segmentation 'rfm'; did you mean 'At Risk'?"),
            (["segment", "show", "lifecycel"], "no segmentation named 'lifecycel'; did you mean 'lifecycle'?"),
            (["segment", "run", "lifecycel"], "no segmentation named 'lifecycel'; did you mean 'lifecycle'?"),
            (["score", "top", "churn_rsk"], "no score named 'churn_rsk'; did you mean 'churn_risk'?"),
            (["score", "top", "nosuch"], "no score named 'nosuch' (known: 'churn_risk')"),
            (["field", "get", "1", "preffered_channel"], "no field named 'preffered_channel' in the loaded plugins; did you mean 'preferred_channel'?"),
            (["field", "get", "01"], "no customer with id \"01\"; did you mean \"1\"?"),
            (["field", "set", "nobody", "preferred_channel", "email"], "no customer with id \"nobody\""),
            (["customer", "show", " 2"], "no customer with id \" 2\"; did you mean \"2\"?"),
            (["segment", "history", "nobody"], "no customer with id \"nobody\""),
        ]
        for (arguments, message) in cases {
            let result = try crm.run(arguments)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(arguments)")
        }
        let members = try crm.run("segment", "members", "rfm", "At Risk", "--format", "csv")
        #expect(members.status == 0)
        #expect(members.stdout.split(separator: "\n").count > 1)
    }

    @Test("--limit must be at least 1 and says so, on score top, segment members and customer list")
    func limits() throws {
        let crm = try Self.segmented()
        defer { crm.remove() }
        for command in [["score", "top", "churn_risk"], ["segment", "members", "rfm"], ["customer", "list"]] {
            for limit in ["0", "-1"] {
                let result = try crm.run(command + ["--limit", limit])
                #expect(result.status == 64, "\(command) \(limit)")
                #expect(result.stderr.contains("--limit must be a whole number of at least 1, got \(limit)"), "\(result.stderr)")
            }
        }
        let runs = try crm.run("runs", "--limit", "0")
        #expect(runs.status == 64)
        #expect(runs.stderr.contains("--limit must be a whole number of at least 1, got 0"))
        let generate = try crm.run("generate", "--customers", "-5", "--out", "data")
        #expect(generate.status == 64)
        #expect(generate.stderr.contains("--customers must be 0 or more, got -5"), "\(generate.stderr)")
        let sideways = try crm.run("generate", "--customers", "5", "--order", "sideways", "--out", "data")
        #expect(sideways.status == 64)
        #expect(sideways.stderr.contains("'sideways'") && sideways.stderr.contains("'customer'") && sideways.stderr.contains("'chronological'"), "\(sideways.stderr)")
        let two = try crm.run("segment", "members", "rfm", "--limit", "2", "--format", "csv")
        #expect(two.stdout.split(separator: "\n").map { $0.prefix(2) } == ["cu", "1,", "2,"])
    }
}
