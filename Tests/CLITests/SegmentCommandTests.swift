import Foundation
import Testing

@Suite("Plugins and segments from the command line")
struct SegmentCommandTests {
    static var repository: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    /// A working folder with the fixtures imported.
    static func withFixtures() throws -> CRMProcess {
        let crm = try CRMProcess()
        try crm.run("init")
        for kind in ["customers", "orders", "interactions"] {
            try crm.run("import", kind, CRMProcess.fixture("\(kind)_tricky.csv"))
        }
        return crm
    }

    @Test("segment members rfm --format csv gives the expected RFM segment of every fixture customer, sorted by id")
    func rfmMembersCSV() throws {
        let crm = try Self.withFixtures()
        defer { crm.remove() }
        let run = try crm.run("segment", "run", "rfm", "--as-of", "2025-01-01T00:00:00Z", "--plugins", Self.repository + "/plugins")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("rfm (rfm 1.1.0) as of 2025-01-01T00:00:00Z: 20 customers, 20 changed"))
        let members = try crm.run("segment", "members", "rfm", "--format", "csv")
        let lines = members.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "customer_id,segment,reason,since")
        let expected = try String(contentsOfFile: CRMProcess.fixture("expected_rfm_tricky.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { line -> String in
                let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                return "\(fields[0]),\(fields[7])"
            }
        let actual = lines.dropFirst().map { line -> String in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            return "\(fields[0]),\(fields[1])"
        }
        #expect(actual == expected)
    }

    @Test("a failing plugin makes segment run exit 1 naming file, line and customer; the others still run")
    func failingPlugin() throws {
        let crm = try Self.withFixtures()
        defer { crm.remove() }
        let folder = crm.path("plugins")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.repository + "/plugins/rfm.lua", toPath: folder + "/rfm.lua")
        try """
            return {
              name = "broken", version = "1", description = "fails for customer 3",
              segmentations = { broken = {
                segments = { "A" },
                classify = function(c)
                  if c.id == "3" then error("no rule for this customer") end
                  return "A"
                end,
              } },
            }
            """.write(toFile: folder + "/broken.lua", atomically: true, encoding: .utf8)
        let result = try crm.run("segment", "run", "--as-of", "2025-01-01")
        #expect(result.status == 1)
        #expect(result.stderr.contains("segmentation 'broken' failed, memberships unchanged: plugins/broken.lua:6: in function 'classify': customer 3: no rule for this customer"), "\(result.stderr)")
        #expect(result.stdout.contains("rfm (rfm 1.1.0)"))
        #expect(try crm.run("segment", "members", "broken").stdout.split(separator: "\n").count == 2)
    }

    @Test("plugin check reports file, line and key path and exits 1; a good file passes its examples")
    func pluginCheck() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        try crm.write("bad.lua", "return {\n  name = 'Bad Name',\n  version = '1',\n  description = 'd',\n  segmentations = {},\n}\n")
        let bad = try crm.run("plugin", "check", "bad.lua")
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("bad.lua:2: name: \"Bad Name\" is not a plugin name"), "\(bad.stderr)")
        let good = try crm.run("plugin", "check", Self.repository + "/plugins/lifecycle.lua")
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        #expect(good.stdout.contains("ok    lifecycle example 3: Won Back"))
    }

    @Test("plugin set refuses a value of the wrong type and changes the dry run when right")
    func pluginSet() throws {
        let crm = try Self.withFixtures()
        defer { crm.remove() }
        try FileManager.default.copyItem(atPath: Self.repository + "/plugins", toPath: crm.path("plugins"))
        let wrong = try crm.run("plugin", "set", "lifecycle", "churned_days", "a year")
        #expect(wrong.status != 0)
        #expect(wrong.stderr.contains("\"a year\" is not a number: 'churned_days' of plugin 'lifecycle' is a number (default 365)"), "\(wrong.stderr)")
        #expect(try crm.run("segment", "run", "lifecycle", "--as-of", "2025-01-01").status == 0)
        #expect(try crm.run("plugin", "set", "lifecycle", "churned_days", "10000").status == 0)
        let dry = try crm.run("segment", "run", "lifecycle", "--as-of", "2025-01-01", "--dry-run")
        // Customers 3, 7, 10, 11, 14 and 18 were Churned (> 365 days); with 10000 they are Dormant.
        #expect(dry.stdout.contains("6 would change"), "\(dry.stdout)")
        let info = try crm.run("plugin", "info", "lifecycle")
        #expect(info.stdout.contains("churned_days = 10000 (default 365, set in crm.sqlite)"))
    }

    @Test("params are numbers unless declared integer: 1500.5 fits a default of 1000; messages are grammatical")
    func typedParams() throws {
        let crm = try Self.withFixtures()
        defer { crm.remove() }
        try FileManager.default.createDirectory(atPath: crm.path("plugins"), withIntermediateDirectories: true)
        try crm.write("plugins/spenders.lua", """
            return { name = "spenders", version = "1", description = "d",
              params = { min_spend = 1000, bins = { default = 5, type = "integer", description = "tiles" } },
              segmentations = { city_spenders = { segments = { "Big", "Small" },
                classify = function(c, p)
                  assert(math.type(p.bins) == "integer")
                  if c.monetary >= p.min_spend then return "Big" end
                  return "Small"
                end } } }
            """)
        let set = try crm.run("plugin", "set", "spenders", "min_spend", "1500.5")
        #expect(set.status == 0, "\(set.stderr)")
        #expect(try crm.run("plugin", "info", "spenders").stdout.contains("min_spend = 1500.5 (default 1000, set in crm.sqlite)"))
        let wrong = try crm.run("plugin", "set", "spenders", "bins", "2.5")
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("\"2.5\" is not an integer: 'bins' of plugin 'spenders' is an integer (default 5)"), "\(wrong.stderr)")
        #expect(try crm.run("plugin", "set", "spenders", "bins", "4").status == 0)
        let run = try crm.run("segment", "run", "city_spenders", "--as-of", "2025-01-01")
        #expect(run.status == 0, "\(run.stderr)")
        try crm.write("bad.lua", """
            return { name = "bad", version = "1", description = "d",
              params = { bins = { default = 1.5, type = "integer" }, mode = { default = 1, type = "colour" } },
              segmentations = { s = { segments = { "A" }, classify = function() return "A" end } } }
            """)
        let check = try crm.run("plugin", "check", "bad.lua")
        #expect(check.stderr.contains("params.bins.default: expected a default of type integer"), "\(check.stderr)")
        #expect(check.stderr.contains("params.mode.type: expected \"integer\", \"number\", \"string\" or \"boolean\""))
    }

    @Test("crm demo builds a database from examples/, segments it and refuses to replace a real database")
    func demo() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        let arguments = ["demo", "--examples", Self.repository + "/examples", "--plugins", Self.repository + "/plugins"]
        let first = try crm.run(arguments)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("Customers     300"))
        #expect(first.stdout.contains("  rfm             Champions"))
        #expect(first.stdout.contains("A few customers and why they are where they are"))
        #expect(try crm.run(arguments).stdout == first.stdout)
        try crm.run("init", "--db", "real.sqlite")
        let refused = try crm.run(arguments + ["--db", "real.sqlite"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("real.sqlite holds a database that the demo did not create"))
    }

    @Test("score run and score top, with the example plugin")
    func scores() throws {
        let crm = try Self.withFixtures()
        defer { crm.remove() }
        // public_pool.lua in examples/ follows the vip segmentation of plugins/, so both folders load.
        let run = try crm.run(
            "score", "run", "--as-of", "2025-01-01", "--plugins", Self.repository + "/plugins", "--plugins", Self.repository + "/examples/plugins")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("churn_risk (churn_risk 0.1.0): 20 customers, 20 changed"))
        let top = try crm.run("score", "top", "churn_risk", "--limit", "2", "--format", "csv")
        let rows = top.stdout.split(separator: "\n")
        #expect(rows.count == 3)
        #expect(rows[1].hasPrefix("3,100,"))  // 717 days since the last order, silent
    }
}
