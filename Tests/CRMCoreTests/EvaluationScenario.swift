import Foundation

@testable import CRMCore

/// A data set whose evaluation has a known answer, as of 2025-01-01 with a 90-day window:
/// customers 1–20 ordered a month before and all order again in the window (Active);
/// 21–40 last ordered four months before and only 21–25 order again (Lapsing; the
/// `winback` action treats half of them and holds out the other half); 41–50 never ordered and
/// 41–42 place a first order (Prospect). Every order in the window is worth 10.00.
struct EvaluationScenario {
    let sandbox: Sandbox
    let database: CRMDatabase
    let catalog: PluginCatalog
    let folder: String

    static let asOf = Timestamp(iso8601: "2025-01-01T00:00:00Z")!
    static let later = Timestamp(iso8601: "2025-03-01T00:00:00Z")!

    /// The plugin, with the number of days a customer stays Active.
    static func plugin(activeDays: Int = 60) -> String {
        """
        return {
          name = "activity", version = "1.0.0", description = "active, lapsing, prospect",
          params = { active_days = \(activeDays) },
          permissions = { "tags" },
          segmentations = { activity = {
            segments = { "Active", "Lapsing", "Prospect" },
            classify = function(c, p)
              if c.order_count == 0 then return "Prospect" end
              if c.recency_days <= p.active_days then return "Active" end
              return "Lapsing"
            end,
          } },
          actions = { winback = { segmentation = "activity", enter = "Lapsing", holdout = 0.5,
            run = function(c) return { { kind = "tag", tag = "winback" } } end } },
        }
        """
    }

    init() throws {
        sandbox = try Sandbox()
        database = try sandbox.database()
        var customers = "id,name,email,phone,created_at\n"
        var orders = "id,customer_id,ordered_at,amount\n"
        for id in 1...50 { customers += "\(id),Customer \(id),c\(id)@example.com,,2024-01-01T00:00:00Z\n" }
        var order = 0
        func add(_ customer: Int, _ instant: String) {
            order += 1
            orders += "\(order),\(customer),\(instant),10.00\n"
        }
        for id in 1...20 { add(id, "2024-12-01T00:00:00Z"); add(id, "2025-02-01T00:00:00Z") }
        for id in 21...40 { add(id, "2024-09-01T00:00:00Z") }
        for id in 21...25 { add(id, "2025-02-01T00:00:00Z") }
        for id in 41...42 { add(id, "2025-02-01T00:00:00Z") }
        let importer = Importer(database: database)
        _ = try importer.importFile(.customers, path: try sandbox.file("customers.csv", customers))
        _ = try importer.importFile(.orders, path: try sandbox.file("orders.csv", orders))
        folder = try Plugins.folder(in: sandbox, ["activity.lua": Self.plugin()])
        catalog = PluginCatalog.load(directories: [folder])
    }

    /// Runs the segmentation (and its follow-ups) as of `instant`.
    func run(_ instant: Timestamp) throws {
        for result in try SegmentationEngine(database: database, catalog: catalog).run(["activity"], asOf: instant) {
            if case .failure(let error) = result { throw error }
        }
    }

    /// Customers 21–40 the winback action held out.
    static var heldOut: Set<Int> {
        Set((21...40).filter { Holdout.isHeldOut(action: "winback", customerID: String($0), share: 0.5) })
    }
}
