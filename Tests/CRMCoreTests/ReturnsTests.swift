import Foundation
import Testing

@testable import CRMCore

@Suite("Returns and refunds")
struct ReturnsTests {
    static let asOf = Timestamp(iso8601: "2025-01-01T00:00:00Z")!

    /// Customer 1 buys three times and returns one line; customer 2 only buys; customer 3 returns only.
    static func database(_ sandbox: Sandbox) throws -> (CRMDatabase, ImportSummary) {
        let database = try sandbox.database()
        let importer = Importer(database: database)
        _ = try importer.importFile(.customers, path: try sandbox.file("c.csv", "id,name\n1,A\n2,B\n3,C\n"))
        let orders = try sandbox.file("o.csv", """
            id,customer_id,ordered_at,product,category,quantity,unit_price,amount
            1,1,2024-10-01,Shoe,Sports,2,50.00,100.00
            2,1,2024-11-01,Ball,Sports,1,20.00,20.00
            3,1,2024-12-20,Shoe,Sports,-1,50.00,-50.00
            4,1,2024-12-01,Pan,Kitchen,1,30.00,27.00
            5,2,2024-12-01,Pan,Kitchen,1,30.00,30.00
            6,3,2024-12-30,Pan,Kitchen,-1,30.00,-30.00
            """)
        return (database, try importer.importFile(.orders, path: orders))
    }

    func value(_ table: ProfileTable, _ field: String, _ id: String) throws -> ProfileValue {
        let customer = try #require(table.index(of: id))
        let reader = try #require(ProfileField.all(for: table).first { $0.name == field })
        return reader.read(table, customer)
    }

    @Test("a return counts in monetary (net) and the returns fields, not in frequency, recency or categories")
    func profile() throws {
        let sandbox = try Sandbox()
        let (database, summary) = try Self.database(sandbox)
        #expect(summary.inserted == 6)
        // 27.00 for 1 × 30.00 is a discount: kept, and counted as a warning.
        #expect(summary.warningCount == 1)
        #expect(summary.warnings.first?.description.contains("o.csv:5") == true)
        let table = try database.profiles(asOf: Self.asOf)
        #expect(try value(table, "order_count", "1") == .integer(3))
        #expect(try value(table, "monetary", "1") == .number(97))
        #expect(try value(table, "returns_count", "1") == .integer(1))
        #expect(try value(table, "returned_amount", "1") == .number(50))
        #expect(try value(table, "recency_days", "1") == .integer(31))  // the last purchase (2024-12-01), not the return
        #expect(try value(table, "top_categories", "1") == .text("Sports,Kitchen"))
        #expect(try value(table, "order_count", "3") == .integer(0))
        #expect(try value(table, "recency_days", "3") == .missing)
        #expect(try value(table, "monetary", "3") == .number(-30))
        #expect(try value(table, "returns_count", "2") == .integer(0))
        let activity = try #require(try database.activity(customerID: "1"))
        #expect(activity.orderCount == 3 && activity.monetary == 9700)
    }

    @Test("a return with a positive quantity, or a zero quantity, is refused with its line")
    func badReturns() throws {
        let sandbox = try Sandbox()
        let (database, _) = try Self.database(sandbox)
        let file = try sandbox.file("bad.csv", """
            id,customer_id,ordered_at,quantity,unit_price,amount
            10,1,2024-12-01,1,30.00,-30.00
            11,1,2024-12-01,0,30.00,0.00
            """)
        do {
            _ = try Importer(database: database).importFile(.orders, path: file)
            Issue.record("bad returns were accepted")
        } catch let error as CRMError {
            #expect(error.description.contains("bad.csv:2: column 'quantity': 1 does not match the amount's sign"), "\(error)")
            #expect(error.description.contains("bad.csv:3: column 'quantity': is 0"), "\(error)")
        }
    }

    @Test("RFM classifies a customer with returns on purchases for F and R and net spend for M")
    func rfm() throws {
        let sandbox = try Sandbox()
        let (database, _) = try Self.database(sandbox)
        let catalog = PluginCatalog.load(directories: [Plugins.builtIn])
        let results = try SegmentationEngine(database: database, catalog: catalog).run(["rfm"], asOf: Self.asOf)
        if case .failure(let error) = results.first { Issue.record("\(error)") }
        let members = Dictionary(uniqueKeysWithValues: try SegmentReasons(database: database, catalog: catalog).members(segmentation: "rfm").map { ($0.customerID, $0) })
        #expect(members["3"]?.segment == "No Purchases")
        #expect(members["1"]?.reason?.contains("3 orders, 97.00 spent") == true, "\(members["1"]?.reason ?? "")")
    }
}
