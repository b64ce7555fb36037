import Foundation
import Testing

@testable import CRMCore

@Suite("Data quality")
struct DataQualityTests {
    @Test("every check counts what is planted in a small data set, and a clean check reports 0")
    func plantedProblems() throws {
        let sandbox = try Sandbox()
        let database = try sandbox.database()
        let importer = Importer(database: database)
        _ = try importer.importFile(.customers, path: try sandbox.file("customers.csv", """
            id,name,email,phone,created_at
            1,Ann,Ann@Example.com ,+49 170 1234567,2024-01-01T00:00:00Z
            2,Bob,ann@example.com,0049-170-1234567,2024-01-01T00:00:00Z
            3,,,,2024-01-01T00:00:00Z
            4,Dan,dan@example.com,123,
            5,Eve,eve@example.com,,2024-06-01T00:00:00Z
            """))
        _ = try importer.importFile(.orders, path: try sandbox.file("orders.csv", """
            id,customer_id,ordered_at,amount
            o1,1,2024-03-01T00:00:00Z,10.00
            o2,2,2030-01-01T00:00:00Z,10.00
            o3,5,2024-05-01T00:00:00Z,10.00
            o4,4,2024-12-01T00:00:00Z,10.00
            """))
        let folder = try Plugins.folder(in: sandbox, ["s.lua": """
            return { name = "s", version = "1", description = "d",
              segmentations = { s = { segments = { "A" }, classify = function() return "A" end } } }
            """])
        let catalog = PluginCatalog.load(directories: [folder])
        let now = Timestamp(iso8601: "2025-01-01T00:00:00Z")!
        let quality = try DataQuality.inspect(database, catalog: catalog, now: now, staleSince: Timestamp(iso8601: "2024-10-01T00:00:00Z")!)
        let found = Dictionary(uniqueKeysWithValues: quality.findings.map { ($0.check, $0) })
        #expect(found["missing_name"]?.examples == ["3"])
        #expect(found["missing_contact"]?.examples == ["3"])
        #expect(found["missing_created_at"]?.examples == ["4"])
        #expect(found["duplicate_email"]?.count == 2 && found["duplicate_email"]?.examples == ["1=2"])
        #expect(found["duplicate_phone"]?.count == 2 && found["duplicate_phone"]?.examples == ["1=2"])
        #expect(found["order_in_future"]?.examples == ["o2"])
        #expect(found["order_before_customer_created"]?.examples == ["o3"])
        #expect(found["stale_customer"]?.examples == ["1", "3", "5"])
        #expect(found["field_value_does_not_fit"]?.count == 0)
        #expect(found["segmentation_not_run_since_import"]?.examples == ["s"])
        _ = try SegmentationEngine(database: database, catalog: catalog).run(["s"], asOf: now)
        let after = try DataQuality.inspect(database, catalog: catalog, now: now, staleSince: now)
        #expect(after.findings.first { $0.check == "segmentation_not_run_since_import" }?.count == 0)
    }
}
