import Foundation
import GRDB
import Testing

@testable import CRMCore

/// Classification, computed fields and scores with one Lua state per core give what one state
/// gives: the same memberships, transitions, reasons, field values, scores and the follow-ups
/// they fire, and the same first error.
@Suite("Classification, computed fields and scores in two Lua states")
struct ParallelClassificationTests {
    static let two = SegmentClassification.States(count: 2, minimumCustomersEach: 1)

    /// Every segmentation of the built-in plugins on `database`, with `states`; returns each
    /// segmentation's members as shown (segment and reason), every transition, computed field
    /// value, follow-up and effect of the built-in actions.
    func runAll(_ database: CRMDatabase, states: SegmentClassification.States) throws -> [String] {
        let catalog = PluginCatalog.load(directories: [Plugins.builtIn])
        #expect(catalog.failures.isEmpty, "\(catalog.failures)")
        let engine = SegmentationEngine(database: database, catalog: catalog, classificationStates: states)
        for result in try engine.run([], asOf: Plugins.asOf) {
            if case .failure(let error) = result { Issue.record("\(error)") }
        }
        var lines: [String] = []
        for found in catalog.segmentations {
            let name = found.segmentation.name
            for member in try SegmentReasons(database: database, catalog: catalog).members(segmentation: name) {
                lines.append("\(name) \(member.customerID) \(member.segment) \(member.reason ?? "-")")
            }
        }
        try database.read { db in
            for row in try String.fetchAll(db, sql: "SELECT customer_pk || ' ' || segmentation_code || ' ' || ifnull(from_code, '-') || ' ' || to_code FROM transitions ORDER BY id") {
                lines.append(row)
            }
            let fields = try String.fetchAll(db, sql: "SELECT customer_pk || ' ' || field || ' ' || value FROM customer_fields ORDER BY customer_pk, field")
            #expect(Set(fields.map { $0.split(separator: " ")[1] }).count == 3, "the three built-in computed fields")
            lines += fields
            lines += try Self.followUps(db)
        }
        return lines
    }

    /// The tricky fixtures' database and a catalog of one plugin file; the sandbox keeps both
    /// while it lives.
    struct Tricky {
        let sandbox: Sandbox
        let database: CRMDatabase
        let catalog: PluginCatalog

        init(_ file: String, _ source: String) throws {
            sandbox = try Sandbox()
            database = try Fixture.trickyDatabase(in: sandbox)
            catalog = PluginCatalog.load(directories: [try Plugins.folder(in: sandbox, [file: source])])
            #expect(catalog.failures.isEmpty, "\(catalog.failures)")
        }
    }

    /// Every follow-up with its outcome and every task, tag and message, in the order written.
    static func followUps(_ db: Database) throws -> [String] {
        try String.fetchAll(
            db, sql: "SELECT action || ' ' || customer_pk || ' ' || transition_id || ' ' || outcome || ' ' || ifnull(detail, '-') FROM follow_ups ORDER BY id")
            + String.fetchAll(
                db,
                sql: """
                    SELECT follow_up_id || ' ' || customer_pk || ' ' || title || ' ' || ifnull(body, '-') || ' ' || ifnull(owner, '-') || ' '
                      || priority || ' ' || ifnull(due_date, '-') FROM tasks ORDER BY id
                    """)
            + String.fetchAll(db, sql: "SELECT customer_pk || ' ' || tag || ' ' || ifnull(follow_up_id, '-') FROM customer_tags ORDER BY 1")
            + String.fetchAll(
                db, sql: "SELECT key || ' ' || customer_pk || ' ' || channel || ' ' || template || ' ' || data || ' ' || status FROM outbox ORDER BY id")
    }

    @Test("the ranges of two states cover every customer once, in order")
    func ranges() {
        #expect(Self.two.split(7) == [0..<3, 3..<7])
        #expect(Self.two.split(1) == [0..<1])
        #expect(ParallelProfileLoop.States.perCore.split(9_999).count == 1)
        #expect(Self.two.split(0) == [0..<0])
    }

    @Test("on the tricky fixtures, one and two states give the same memberships, transitions, reasons, field values and follow-ups")
    func fixtures() throws {
        let (first, second) = (try Sandbox(), try Sandbox())
        let one = try runAll(try Fixture.trickyDatabase(in: first), states: .one)
        let two = try runAll(try Fixture.trickyDatabase(in: second), states: Self.two)
        #expect(one.count > 20)
        #expect(one == two)
    }

    @Test("on a generated set, one and two states give the same memberships, transitions, reasons, field values and follow-ups")
    func generated() throws {
        let sandbox = try Sandbox()
        let directory = sandbox.path("generated")
        try SyntheticDataSet.write(options: GeneratorOptions(customers: 600), to: URL(fileURLWithPath: directory))
        func load(_ name: String) throws -> CRMDatabase {
            let database = try CRMDatabase(path: sandbox.path(name))
            for kind in RecordKind.allCases {
                _ = try Importer(database: database).importFile(kind, path: directory + "/\(kind.rawValue).csv")
            }
            return database
        }
        let one = try runAll(try load("one.sqlite"), states: .one)
        let two = try runAll(try load("two.sqlite"), states: Self.two)
        #expect(one.count > 600 * 8)
        #expect(one.filter { $0.hasPrefix("win_back ") }.count > 10, "the built-in actions fired")
        #expect(one == two)
    }

    @Test("the time in Lua (every call of a small run, one in 16 of a large one, scaled) is reported within the run's time")
    func luaTime() throws {
        let source = """
            return {
              name = "slow", version = "1.0.0", description = "d",
              segmentations = { slow = {
                segments = { "A" },
                classify = function(c) local n = 0; for i = 1, 200000 do n = n + i end; return "A" end,
              } },
            }
            """
        for states in [SegmentClassification.States.one, Self.two] {
            let tricky = try Tricky("slow.lua", source)
            let (database, catalog) = (tricky.database, tricky.catalog)
            let engine = SegmentationEngine(database: database, catalog: catalog, classificationStates: states)
            let outcome = try #require(try engine.run(["slow"], asOf: Plugins.asOf).first).get()
            // 20 customers of a loop of 200,000 additions: well over a millisecond each.
            #expect(outcome.luaDuration > .milliseconds(10))
            #expect(outcome.luaDuration <= outcome.duration)
        }
    }

    @Test("with two states, a plugin error names the first failing customer in customer order, as one state does")
    func firstErrorInOrder() throws {
        let source = """
            return {
              name = "tiny", version = "1.0.0", description = "d",
              segmentations = { tiny = {
                segments = { "A" },
                classify = function(c)
                  if c.id == "5" or c.id == "18" then error("bad customer " .. c.id) end
                  return "A"
                end,
              } },
            }
            """
        for states in [SegmentClassification.States.one, Self.two] {
            let tricky = try Tricky("tiny.lua", source)
            let (database, catalog) = (tricky.database, tricky.catalog)
            let engine = SegmentationEngine(database: database, catalog: catalog, classificationStates: states)
            guard case .failure(let error) = try engine.run(["tiny"], asOf: Plugins.asOf).first else {
                Issue.record("the run should fail")
                continue
            }
            #expect(error.customerID == "5")
            #expect(error.function == "classify")
            #expect(error.description.contains("tiny.lua:6"), "\(error)")
            #expect(try database.members(segmentation: "tiny").isEmpty)
        }
    }

    @Test("with two states, a computed field's error names the first failing customer in customer order, and nothing is stored")
    func firstFieldErrorInOrder() throws {
        let source = """
            return {
              name = "score", version = "1.0.0", description = "d",
              fields = { band = { type = "integer", compute = function(c)
                if c.id == "18" then return "many" end
                if c.id == "5" then error("bad customer " .. c.id) end
                return c.order_count
              end } },
            }
            """
        for states in [ParallelProfileLoop.States.one, Self.two] {
            let tricky = try Tricky("score.lua", source)
            let (database, catalog) = (tricky.database, tricky.catalog)
            var profiles = try database.profiles(asOf: Plugins.asOf, fields: catalog.fields, shape: catalog.profileShape)
            let results = try CustomFields(database: database, catalog: catalog).computeFields([], profiles: &profiles, states: states)
            guard case .failure(let error) = results.first else {
                Issue.record("the computation should fail")
                continue
            }
            #expect(error.customerID == "5")
            #expect(error.description.contains("score.lua:5"), "\(error)")
            #expect(try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM customer_fields") } == 0)
        }
    }

    @Test("scores: one and two states give the same values and explanations, and the same first error")
    func scores() throws {
        let source = """
            return {
              name = "scoring", version = "1.0.0", description = "d",
              scores = {
                spend = { decimals = 2, compute = function(c)
                  return c.monetary / (1 + c.order_count), "from " .. c.order_count .. " orders"
                end },
                broken = { compute = function(c)
                  if c.id == "18" then return "high" end
                  if c.id == "5" then error("bad customer " .. c.id) end
                  return 1
                end },
              },
            }
            """
        var stored: [[String]] = []
        for states in [ParallelProfileLoop.States.one, Self.two] {
            let tricky = try Tricky("scoring.lua", source)
            let (database, catalog) = (tricky.database, tricky.catalog)
            var engine = ScoreEngine(database: database, catalog: catalog)
            engine.states = states
            let results = try engine.run(["spend", "broken"], asOf: Plugins.asOf)
            #expect(try results[0].get().customers > 10)
            guard case .failure(let error) = results[1] else {
                Issue.record("broken should fail")
                continue
            }
            #expect(error.customerID == "5")
            #expect(error.description.contains("scoring.lua:9"), "\(error)")
            stored.append(try database.read { db in
                try String.fetchAll(db, sql: "SELECT customer_pk || ' ' || score || ' ' || value || ' ' || ifnull(explanation, '-') FROM scores ORDER BY 1")
            })
        }
        #expect(stored.count == 2 && stored[0] == stored[1] && stored[0].count > 10)
    }
}
