import Foundation
import Testing

@Suite("Machine-readable output: exact numbers, JSON types, [] when empty, a CSV header always")
struct OutputFormatTests {
    static func json(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }

    @Test("score top prints the stored value exactly in table, CSV and JSON, not with 4 significant digits")
    func exactScores() throws {
        let crm = try SegmentCommandTests.withFixtures()
        defer { crm.remove() }
        try FileManager.default.createDirectory(atPath: crm.path("plugins"), withIntermediateDirectories: true)
        try crm.write("plugins/exact.lua", """
            return { name = "exact", version = "1", description = "d",
              scores = { exact = { compute = function(c)
                if c.id == "1" then return 26278.80, "big" end
                if c.id == "2" then return 1.957e-11, "tiny" end
                return 0.1 + 0.2, "sum"
              end } } }
            """)
        #expect(try crm.run("score", "run", "--as-of", "2025-01-01").status == 0)
        let csv = try crm.run("score", "top", "exact", "--limit", "20", "--format", "csv").stdout
        #expect(csv.contains("\n1,26278.8,big,"), "\(csv)")
        #expect(csv.contains("\n2,1.957e-11,tiny,"))
        #expect(csv.contains("\n3,0.30000000000000004,sum,"))
        let table = try crm.run("score", "top", "exact", "--limit", "1").stdout
        #expect(table.contains("26278.8 "))
        let rows = try #require(try Self.json(try crm.run("score", "top", "exact", "--limit", "20", "--format", "json").stdout) as? [[String: Any]])
        #expect(rows.first?["score"] as? Double == 26278.8)
        #expect(rows.contains { $0["score"] as? Double == 1.957e-11 })
    }

    @Test("JSON has numbers as numbers, money as a decimal with its currency, null for missing")
    func jsonTypes() throws {
        let crm = try SegmentCommandTests.withFixtures()
        defer { crm.remove() }
        try FileManager.default.copyItem(atPath: SegmentCommandTests.repository + "/plugins", toPath: crm.path("plugins"))
        #expect(try crm.run("segment", "run", "rfm", "--as-of", "2025-01-01").status == 0)
        let show = try #require(try Self.json(try crm.run("segment", "show", "rfm", "--format", "json").stdout) as? [[String: Any]])
        #expect(show.allSatisfy { $0["customers"] is Int && $0["percent"] is Double })
        let runs = try #require(try Self.json(try crm.run("runs", "--format", "json").stdout) as? [[String: Any]])
        #expect(runs.allSatisfy { $0["ms"] is Int && $0["id"] is Int && $0["read"] is Int })
        #expect(runs.contains { $0["error"] is NSNull })
        let exported = try crm.run("export", "orders", "--format", "json").stdout
        #expect(exported.contains("\"quantity\":2,\"unit_price\":10.00,\"amount\":20.00,\"currency\":\"USD\""), "\(exported)")
        let orders = try #require(try Self.json(exported) as? [[String: Any]])
        #expect(orders.allSatisfy { $0["quantity"] is Int || $0["quantity"] is NSNull })
        let customer = try crm.run("customer", "show", "2", "--format", "json").stdout
        #expect(customer.contains("\"monetary\": 352.00"))
        #expect(customer.contains("\"currency\": \"USD\""))
        #expect(try crm.run("field", "compute", "typical_days_between_orders", "--as-of", "2025-01-01").status == 0)
        let field = try crm.run("field", "get", "1", "typical_days_between_orders", "--format", "json").stdout
        #expect(field.contains("\"value\": 106.020836,"), "a decimal field is a number: \(field)")
        let shown = try #require(try Self.json(try crm.run("customer", "show", "1", "--format", "json").stdout) as? [String: Any])
        #expect((shown["fields"] as? [String: [String: Any]])?["typical_days_between_orders"]?["value"] as? Double == 106.020836)
        let list = try #require(try Self.json(try crm.run("segment", "list", "--format", "json").stdout) as? [[String: Any]])
        #expect(list.allSatisfy { $0["customers"] is Int && $0["segments"] is Int })
    }

    @Test("empty results: [] in JSON, a header in CSV, the prose on stderr")
    func emptyResults() throws {
        let crm = try SegmentCommandTests.withFixtures()
        defer { crm.remove() }
        try FileManager.default.copyItem(atPath: SegmentCommandTests.repository + "/plugins", toPath: crm.path("plugins"))
        let check = try crm.run("field", "check", "--format", "json")
        #expect(check.status == 0)
        #expect(check.stdout == "[]\n")
        #expect(check.stderr.contains("Every stored value fits its field."))
        #expect(try crm.run("field", "check", "--format", "csv").stdout == "customer_id,field,stored,problem\n")
        #expect(try crm.run("segment", "members", "rfm", "--format", "json").stdout == "[]\n")
        #expect(try crm.run("segment", "members", "rfm", "--format", "csv").stdout == "customer_id,segment,reason,since\n")
        #expect(try crm.run("segment", "history", "1", "--format", "json").stdout == "[]\n")
        let noScores = try crm.run("score", "run")
        #expect(noScores.stdout.isEmpty)
        #expect(noScores.stderr.contains("No plugin defines a score."))
    }
}
