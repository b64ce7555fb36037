import Foundation
import Testing

@testable import CRMCore

/// Classification with one Lua state per core gives what one state gives: the same memberships,
/// transitions and reasons, and the same first error.
@Suite("Classification in two Lua states")
struct ParallelClassificationTests {
    static let two = SegmentClassification.States(count: 2, minimumCustomersEach: 1)

    /// Every segmentation of the built-in plugins on `database`, with `states`; returns each
    /// segmentation's members as shown (segment and reason) and every transition.
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
        }
        return lines
    }

    @Test("the ranges of two states cover every customer once, in order")
    func ranges() {
        #expect(SegmentClassification.split(7, states: Self.two) == [0..<3, 3..<7])
        #expect(SegmentClassification.split(1, states: Self.two) == [0..<1])
        #expect(SegmentClassification.split(9_999, states: .perCore).count == 1)
        #expect(SegmentClassification.split(0, states: Self.two) == [0..<0])
    }

    @Test("on the tricky fixtures, one and two states give the same memberships, transitions and reasons")
    func fixtures() throws {
        let (first, second) = (try Sandbox(), try Sandbox())
        let one = try runAll(try Fixture.trickyDatabase(in: first), states: .one)
        let two = try runAll(try Fixture.trickyDatabase(in: second), states: Self.two)
        #expect(one.count > 20)
        #expect(one == two)
    }

    @Test("on a generated set, one and two states give the same memberships, transitions and reasons")
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
        #expect(one == two)
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
            let sandbox = try Sandbox()
            let database = try Fixture.trickyDatabase(in: sandbox)
            let folder = try Plugins.folder(in: sandbox, ["tiny.lua": source])
            let engine = SegmentationEngine(database: database, catalog: PluginCatalog.load(directories: [folder]), classificationStates: states)
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
}
