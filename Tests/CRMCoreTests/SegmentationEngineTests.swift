import Foundation
import GRDB
import Testing

@testable import CRMCore

@Suite("Segmentation engine")
struct SegmentationEngineTests {
    /// A one-segmentation plugin whose classify body is `body` (a Lua function body).
    static func plugin(_ body: String, segments: String = "\"Buyer\", \"Prospect\"", version: String = "1.0.0", params: String = "{}") -> String {
        """
        return {
          name = "tiny",
          version = "\(version)",
          description = "test plugin",
          params = \(params),
          segmentations = {
            tiny = {
              segments = { \(segments) },
              classify = function(c, p)
                \(body)
              end,
            },
          },
        }
        """
    }

    static let buyerOrProspect = """
        if c.order_count > 0 then return "Buyer", c.order_count .. " orders" end
                return "Prospect", "no orders"
        """

    func engine(_ database: CRMDatabase, _ folder: String) -> SegmentationEngine {
        SegmentationEngine(database: database, catalog: PluginCatalog.load(directories: [folder]))
    }

    /// Memberships as shown, with the reasons the plugins in `folder` give.
    func shown(_ database: CRMDatabase, _ folder: String) -> SegmentReasons {
        SegmentReasons(database: database, catalog: PluginCatalog.load(directories: [folder]))
    }

    @Test("a run writes one membership and one transition per customer, and a second run writes nothing")
    func writesOnlyChanges() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let folder = try Plugins.folder(in: sandbox, ["tiny.lua": Self.plugin(Self.buyerOrProspect)])
        let first = try engine(database, folder).run(["tiny"], asOf: Plugins.asOf)
        let outcome = try #require(try first.first?.get())
        #expect(outcome.changed == 20)
        #expect(outcome.sizes.map(\.customers) == [17, 3])
        let second = try #require(try engine(database, folder).run(["tiny"], asOf: Plugins.asOf).first?.get())
        #expect(second.changed == 0)
        #expect(try database.transitions(customerID: "1").count == 1)
        let runs = try database.runs()
        #expect(runs.first?.kind == .segmentation)
        #expect(runs.first?.updated == 0 && runs.first?.inserted == 0)
    }

    @Test("a customer who moves gets a transition from the old segment to the new one")
    func transitionsAreRecorded() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let folder = try Plugins.folder(in: sandbox, ["tiny.lua": Self.plugin(Self.buyerOrProspect)])
        // Customer 5's only order is 2024-12-31: a prospect on 2024-12-01, a buyer on 2025-01-01.
        _ = try engine(database, folder).run(["tiny"], asOf: Timestamp(iso8601: "2024-12-01T00:00:00Z")!)
        _ = try engine(database, folder).run(["tiny"], asOf: Plugins.asOf)
        let history = try database.transitions(customerID: "5")
        #expect(history.map(\.from) == [nil, "Prospect"])
        #expect(history.map(\.to) == ["Prospect", "Buyer"])
        #expect(try shown(database, folder).memberships(customerID: "5").first?.reason == "1 orders")
        #expect(try database.memberships(customerID: "5").first?.since == Plugins.asOf)
    }

    @Test("a dry run reports the transition matrix and writes nothing")
    func dryRun() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let folder = try Plugins.folder(in: sandbox, ["tiny.lua": Self.plugin(Self.buyerOrProspect)])
        _ = try engine(database, folder).run(["tiny"], asOf: Timestamp(iso8601: "2024-12-01T00:00:00Z")!)
        let runsBefore = try database.runs().count
        let outcome = try #require(try engine(database, folder).run(["tiny"], asOf: Plugins.asOf, dryRun: true).first?.get())
        #expect(outcome.runID == nil)
        #expect(outcome.matrix["Prospect"]?["Buyer"] == 2)  // customers 5 and 13
        #expect(outcome.matrix[""]?["Buyer"] == 1)  // customer 18, created after 2024-12-01
        #expect(try database.memberships(customerID: "5").first?.segment == "Prospect")
        #expect(try database.runs().count == runsBefore)
    }

    @Test("customers in a segment the plugin no longer declares move out of it, with its name in their history")
    func renamedSegment() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let folder = try Plugins.folder(in: sandbox, ["tiny.lua": Self.plugin(Self.buyerOrProspect)])
        _ = try engine(database, folder).run(["tiny"], asOf: Plugins.asOf)
        // Version 2 calls prospects "Lead" and gives no reason for them.
        try Self.plugin(
            """
            if c.order_count > 0 then return "Buyer", c.order_count .. " orders" end
                    return "Lead"
            """, segments: "\"Buyer\", \"Lead\"", version: "2.0.0"
        ).write(toFile: folder + "/tiny.lua", atomically: true, encoding: .utf8)
        let outcome = try #require(try engine(database, folder).run(["tiny"], asOf: Plugins.asOf).first?.get())
        #expect(outcome.changed == 3)
        #expect(outcome.matrix["Prospect"] == ["Lead": 3])
        #expect(outcome.matrix["Buyer"] == ["Buyer": 17])
        #expect(try database.members(segmentation: "tiny", segment: "Prospect").isEmpty)
        let leads = try shown(database, folder).members(segmentation: "tiny", segment: "Lead")
        #expect(leads.count == 3 && leads.allSatisfy { $0.reason == nil })
        let history = try database.transitions(customerID: try #require(leads.first?.customerID))
        #expect(history.map(\.from) == [nil, "Prospect"])
        #expect(try database.runs().first?.updated == 3)
        // Each reason belongs to its own customer, and says what the plugin says now.
        let buyers = try shown(database, folder).members(segmentation: "tiny", segment: "Buyer")
        for buyer in buyers {
            #expect(buyer.reason?.hasSuffix(" orders") == true)
            #expect(try shown(database, folder).memberships(customerID: buyer.customerID).first?.reason == buyer.reason)
        }
        #expect(Set(buyers.map(\.reason)).count > 1)
    }

    @Test("the compact change list gives back each change's segments; only rows that differ are changes")
    func changeList() {
        var changes = SegmentChanges(declared: ["A", "B"])
        let old = changes.code(of: "Retired")
        #expect(old == 2 && changes.code(of: "A") == 0)
        for row in 0..<7 {
            changes.append(row: row * 10, from: row.isMultiple(of: 2) ? SegmentChanges.none : old, to: Int16(row % 2))
        }
        #expect(changes.count == 7)
        let diff = SegmentChanges.between(current: [0, 1, SegmentChanges.none, 2], new: [0, 0, 1, 2], names: SegmentChanges(declared: ["A", "B", "C"]))
        #expect(diff.rows == [1, 2] && diff.from == [1, SegmentChanges.none] && diff.to == [0, 1])
        #expect(changes.rows == [0, 10, 20, 30, 40, 50, 60])
        #expect(changes.from.map(changes.name) == [nil, "Retired", nil, "Retired", nil, "Retired", nil])
        #expect(changes.updates == 3)
    }

    @Test("a runtime error names file, line, function and customer, and keeps the previous memberships")
    func runtimeErrorKeepsMemberships() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let folder = try Plugins.folder(in: sandbox, ["tiny.lua": Self.plugin(Self.buyerOrProspect)])
        _ = try engine(database, folder).run(["tiny"], asOf: Plugins.asOf)
        let before = try database.members(segmentation: "tiny")
        // Customer 7 has one order: the broken version compares nil with a number for them.
        try Self.plugin("""
            if c.id == "7" then return c.recency_days < c.no_such_field end
                    return "Buyer", "changed"
            """).write(toFile: folder + "/tiny.lua", atomically: true, encoding: .utf8)
        let result = try engine(database, folder).run(["tiny"], asOf: Plugins.asOf)
        guard case .failure(let error) = result.first else {
            Issue.record("the run should fail")
            return
        }
        #expect(error.file.hasSuffix("plugins/tiny.lua"))
        #expect(error.line == 10)
        #expect(error.customerID == "7")
        #expect(error.description.contains("tiny.lua:10:"))
        #expect(error.description.contains("customer 7: attempt to compare"))
        #expect(try database.members(segmentation: "tiny") == before)
        #expect(try database.runs().first?.outcome == .failed)
        #expect(try database.runs().first?.error?.contains("customer 7") == true)
    }

    /// A plugin whose classify gives no reason (but for customer 1) and whose explain says
    /// which segment it explains; with `failingExplain`, explain fails for everyone.
    static func explainingPlugin(failingExplain: Bool = false) -> String {
        let explain = failingExplain
            ? "error(\"explain called for customer \" .. c.id)"
            : "return segment .. \" with \" .. c.order_count .. \" orders (\" .. p.label .. \")\""
        return """
            return {
              name = "tiny", version = "1.0.0", description = "test plugin", params = { label = "why" },
              segmentations = {
                tiny = {
                  segments = { "Buyer", "Prospect" },
                  classify = function(c)
                    if c.id == "1" then return "Buyer", "classify's own reason" end
                    if c.order_count > 0 then return "Buyer" end
                    return "Prospect"
                  end,
                  explain = function(c, p, segment)
                    \(explain)
                  end,
                },
              },
            }
            """
    }

    @Test("a run never calls explain; a shown membership asks it, and its failure names explain and the customer")
    func explainOnlyWhenShown() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let folder = try Plugins.folder(in: sandbox, ["tiny.lua": Self.explainingPlugin(failingExplain: true)])
        let dry = try #require(try engine(database, folder).run(["tiny"], asOf: Plugins.asOf, dryRun: true).first?.get())
        #expect(dry.changed == 20)
        let first = try #require(try engine(database, folder).run(["tiny"], asOf: Plugins.asOf).first?.get())
        #expect(first.changed == 20)
        // Showing the members asks explain, which fails for customer 2 (1's reason came from classify).
        let error = try #require(throws: SegmentationError.self) { try shown(database, folder).members(segmentation: "tiny") }
        #expect(error.function == "explain")
        #expect(error.customerID == "2")
        #expect(error.description.contains("tiny.lua:"))
        #expect(error.description.contains("explain called for customer 2"))

        try Self.explainingPlugin().write(toFile: folder + "/tiny.lua", atomically: true, encoding: .utf8)
        #expect(try shown(database, folder).memberships(customerID: "1").first?.reason == "classify's own reason")
        let buyer = try #require(try shown(database, folder).members(segmentation: "tiny", segment: "Buyer").first { $0.customerID == "7" })
        #expect(buyer.reason == "Buyer with 1 orders (why)")
        #expect(try shown(database, folder).members(segmentation: "tiny", segment: "Prospect").allSatisfy { $0.reason == "Prospect with 0 orders (why)" })
        // Storage keeps no reason.
        #expect(try database.members(segmentation: "tiny").allSatisfy { $0.reason == nil })

        // A run never calls explain, failing again or not.
        try Self.explainingPlugin(failingExplain: true).write(toFile: folder + "/tiny.lua", atomically: true, encoding: .utf8)
        let again = try #require(try engine(database, folder).run(["tiny"], asOf: Plugins.asOf).first?.get())
        #expect(again.changed == 0)
    }

    @Test("an explain that is not a function is a load error at its key path")
    func explainMustBeAFunction() throws {
        let sandbox = try Sandbox()
        let source = Self.explainingPlugin().replacingOccurrences(of: "explain = function(c, p, segment)", with: "explain = 42, unused = function()")
        let file = try sandbox.file("tiny.lua", source)
        guard case .failure(let failure) = PluginCatalog.check(file: file) else {
            Issue.record("the plugin should not load")
            return
        }
        #expect(failure.problems.map(\.keyPath).contains("segmentations.tiny.explain"))
    }

    @Test("returning a segment that is not declared fails the run with the declared list")
    func undeclaredSegment() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let folder = try Plugins.folder(in: sandbox, ["tiny.lua": Self.plugin("return \"Champion\"")])
        guard case .failure(let error) = try engine(database, folder).run(["tiny"], asOf: Plugins.asOf).first else {
            Issue.record("the run should fail")
            return
        }
        #expect(error.message == "returned \"Champion\", which is not a declared segment (declared: Buyer, Prospect)")
        #expect(error.customerID == "1")
        #expect(try database.members(segmentation: "tiny").isEmpty)
    }

    /// A segment that is not declared, or a reason that is not text, fails the run for the first
    /// such customer, with what classify returned, and writes no membership.
    @Test(
        "a run names the first customer whose classify gives no declared segment, and what it gave",
        arguments: [
            ("if c.id == \"3\" then return nil end return \"Buyer\"", "3", "returned no segment; expected one of: Buyer, Prospect"),
            ("if c.id == \"4\" then return 7 end return \"Buyer\"", "4", "first result must be a string or nil, got number"),
            ("if c.id == \"5\" then return \"Buyer\", {} end return \"Buyer\"", "5", "second result must be a string or nil, got table"),
            ("if c.id == \"6\" then return \"buyer\" end return \"Buyer\"", "6",
             "returned \"buyer\", which is not a declared segment (declared: Buyer, Prospect)"),
        ])
    func firstWrongSegment(body: String, customer: String, message: String) throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let folder = try Plugins.folder(in: sandbox, ["tiny.lua": Self.plugin(body)])
        guard case .failure(let error) = try engine(database, folder).run(["tiny"], asOf: Plugins.asOf).first else {
            Issue.record("the run should fail")
            return
        }
        #expect(error.customerID == customer)
        #expect(error.message.contains(message), "\(error.message)")
        #expect(try database.members(segmentation: "tiny").isEmpty)
    }

    @Test("an endless classify is stopped by the instruction budget with the plugin named")
    func endlessLoop() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let folder = try Plugins.folder(in: sandbox, ["tiny.lua": Self.plugin("while true do end")])
        guard case .failure(let error) = try engine(database, folder).run(["tiny"], asOf: Plugins.asOf).first else {
            Issue.record("the run should fail")
            return
        }
        #expect(error.file.hasSuffix("tiny.lua"))
        #expect(error.customerID == "1")
        #expect(error.message.contains("limit"))
    }

    @Test("a parameter override changes the result without editing the plugin, and a bad value is refused")
    func parameterOverride() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let folder = try Plugins.folder(in: sandbox, [
            "tiny.lua": Self.plugin("if c.order_count >= p.min_orders then return \"Buyer\" end return \"Prospect\"", params: "{ min_orders = 1 }")
        ])
        let catalog = PluginCatalog.load(directories: [folder])
        let plugin = try #require(catalog.plugin(named: "tiny"))
        try PluginParameters.set(plugin, key: "min_orders", text: "3", in: database)
        #expect(throws: CRMError.self) { try PluginParameters.set(plugin, key: "min_orders", text: "three", in: database) }
        #expect(throws: CRMError.self) { try PluginParameters.set(plugin, key: "max_orders", text: "3", in: database) }
        _ = try SegmentationEngine(database: database, catalog: catalog).run(["tiny"], asOf: Plugins.asOf)
        #expect(try database.members(segmentation: "tiny", segment: "Buyer").map(\.customerID) == ["1", "17", "20"])
    }

    @Test("a field the plugin reaches through a computed key still has its value")
    func fieldsThroughComputedKeys() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        // "order" .. "_count" never appears as a name in the source, so it is fetched on demand.
        let body = """
            local key = "order" .. "_count"
                    if c[key] > 0 then return "Buyer", tostring(c[key]) .. " " .. tostring(c["top_" .. "categories"]) end
                    return "Prospect"
            """
        let folder = try Plugins.folder(in: sandbox, ["tiny.lua": Self.plugin(body)])
        _ = try engine(database, folder).run(["tiny"], asOf: Plugins.asOf)
        let members = Dictionary(uniqueKeysWithValues: try shown(database, folder).members(segmentation: "tiny").map { ($0.customerID, $0) })
        #expect(members["1"]?.reason == "3 Home,Office")
        #expect(members["6"]?.segment == "Prospect")
    }

    @Test("population statistics and frequencies reach p")
    func statisticsReachParams() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let source = """
            return {
              name = "stats", version = "1", description = "d",
              segmentations = { stats = {
                segments = { "Above", "Below", "None" },
                stats = { "monetary" },
                rank = { m = "monetary" },
                frequencies = { top = { where = { rank = "m", at_least = 5 }, fields = { "company_size" } } },
                classify = function(c, p)
                  if c.order_count == 0 then return "None", p.as_of end
                  local share = p.frequencies.top.company_size["1000+"] or 0
                  if c.monetary > p.stats.monetary.mean then return "Above", string.format("%.4f %.2f", share, p.stats.monetary.p50) end
                  return "Below"
                end,
              } },
            }
            """
        let folder = try Plugins.folder(in: sandbox, ["stats.lua": source])
        _ = try engine(database, folder).run(["stats"], asOf: Plugins.asOf)
        let members = Dictionary(uniqueKeysWithValues: try shown(database, folder).members(segmentation: "stats").map { ($0.customerID, $0) })
        // Mean spend of the 17 buyers is 71.04; the median is 45.00. Top quintile by spend:
        // customers 2 (1000+), 4 (1-10), 11 (201-1000): one in three has 1000+.
        #expect(members["2"]?.reason == "0.3333 45.00")
        #expect(members["5"]?.segment == "Below")
        #expect(members["6"]?.reason == "2025-01-01T00:00:00Z")
    }

    @Test("one customer's memberships and history are found through the segmentation key, not a scan, and go with them")
    func customerLookupsUseTheKey() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let second = Self.plugin(Self.buyerOrProspect).replacingOccurrences(of: "tiny", with: "other")
        let folder = try Plugins.folder(in: sandbox, ["tiny.lua": Self.plugin(Self.buyerOrProspect), "other.lua": second])
        _ = try engine(database, folder).run(["tiny", "other"], asOf: Timestamp(iso8601: "2024-12-01T00:00:00Z")!)
        _ = try engine(database, folder).run(["tiny", "other"], asOf: Plugins.asOf)
        #expect(try database.transitions(customerID: "5").map { "\($0.segmentation) \($0.to)" }
            == ["tiny Prospect", "other Prospect", "tiny Buyer", "other Buyer"])
        #expect(try database.memberships(customerID: "5").map(\.segmentation) == ["other", "tiny"])
        for table in ["memberships", "transitions"] {
            let plan = try database.read { db in
                try Row.fetchAll(
                    db, sql: "EXPLAIN QUERY PLAN SELECT * FROM \(table) WHERE \(CustomerErasure.customerFilter(for: table))", arguments: [5]
                ).map { $0["detail"] as String }
            }
            #expect(plan.contains { $0.hasPrefix("SEARCH \(table) USING") && $0.contains("segmentation_code=? AND customer_pk=?") }, "\(plan)")
            #expect(!plan.contains { $0.hasPrefix("SCAN \(table)") }, "\(plan)")
        }
        _ = try database.eraseCustomer(id: "5", anonymize: false, personalFields: [])
        #expect(try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM transitions WHERE customer_pk = 5") } == 0)
        #expect(try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM memberships WHERE customer_pk = 5") } == 0)
        #expect(try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM transitions WHERE customer_pk = 6") } == 2)
    }

    @Test("segmentations classified while the one before writes: results, failures and run records in the order asked")
    func pipelinedSegmentations() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        func named(_ name: String, _ body: String) -> String { Self.plugin(body).replacingOccurrences(of: "tiny", with: name) }
        let folder = try Plugins.folder(in: sandbox, [
            "first.lua": named("first", Self.buyerOrProspect),
            "broken.lua": named("broken", "if c.order_count > 2 then error(\"no\") end\n return \"Buyer\", \"\""),
            "third.lua": named("third", "return \"Prospect\", \"\""),
        ])
        let outcomes = try engine(database, folder).run(["first", "broken", "third", "first"], asOf: Plugins.asOf)
        #expect(outcomes.map { (try? $0.get())?.segmentation ?? "failed" } == ["first", "failed", "third", "first"])
        #expect(outcomes.map { (try? $0.get())?.changed } == [20, nil, 20, 0])
        guard case .failure(let error) = outcomes[1] else { Issue.record("broken did not fail"); return }
        #expect(error.segmentation == "broken" && error.description.contains("broken.lua"))
        let runs = try database.runs().reversed().filter { $0.kind == .segmentation }
        #expect(runs.map(\.subject) == ["first", "broken", "third", "first"])
        #expect(runs.map(\.outcome) == [.succeeded, .failed, .succeeded, .succeeded])
        #expect(try database.memberships(customerID: "5").map(\.segmentation) == ["first", "third"])
    }
}
