import Foundation
import Testing

@testable import CRMCore

@Suite("Customer profiles and population ranks")
struct ProfileTests {
    static let asOf = Timestamp(iso8601: "2025-01-01T00:00:00Z")!

    /// The rows of expected_rfm_tricky.csv by customer id.
    static func expectedRFM() throws -> [String: [String: String]] {
        let reader = try CSVReader(path: try Fixture.path("expected_rfm_tricky.csv"))
        var rows: [String: [String: String]] = [:]
        while let record = try reader.next() {
            rows[record[0].string] = Dictionary(uniqueKeysWithValues: zip(reader.header.names, record.strings))
        }
        return rows
    }

    func value(_ table: ProfileTable, _ field: String, _ id: String) throws -> ProfileValue {
        let customer = try #require(table.index(of: id))
        let reader = try #require(ProfileField.all(for: table).first { $0.name == field })
        return reader.read(table, customer)
    }

    @Test("recency, frequency and monetary of every fixture customer match the expected table")
    func rfmValues() throws {
        let sandbox = try Sandbox()
        let table = try Fixture.trickyDatabase(in: sandbox).profiles(asOf: Self.asOf)
        let expected = try Self.expectedRFM()
        #expect(table.count == 20)
        for (id, row) in expected {
            let recency = try value(table, "recency_days", id)
            #expect(recency == (row["recency_days"]!.isEmpty ? .missing : .integer(Int64(row["recency_days"]!)!)), "customer \(id)")
            #expect(try value(table, "order_count", id) == .integer(Int64(row["frequency"]!)!), "customer \(id)")
            #expect(try value(table, "monetary", id) == .number(Double(row["monetary"]!)!), "customer \(id)")
        }
    }

    @Test("NTILE(5) ranks over buyers, ties broken by customer id, reproduce r, f and m of the expected table")
    func rfmRanks() throws {
        let sandbox = try Sandbox()
        let table = try Fixture.trickyDatabase(in: sandbox).profiles(asOf: Self.asOf)
        let statistics = PopulationStatistics(table: table)
        let r = try statistics.ranks(RankSpec(name: "r", field: "recency_days", descending: true))
        let f = try statistics.ranks(RankSpec(name: "f", field: "order_count"))
        let m = try statistics.ranks(RankSpec(name: "m", field: "monetary"))
        for (id, row) in try Self.expectedRFM() {
            let customer = try #require(table.index(of: id))
            func tile(_ ranks: [Int32]) -> String { ranks[customer] == 0 ? "" : String(ranks[customer]) }
            #expect(tile(r) == row["r"], "customer \(id) r")
            #expect(tile(f) == row["f"], "customer \(id) f")
            #expect(tile(m) == row["m"], "customer \(id) m")
        }
    }

    @Test("orders and interactions after as-of are not in the profile")
    func asOfIsRespected() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let table = try database.profiles(asOf: Timestamp(iso8601: "2024-12-01T00:00:00Z")!)
        // Customer 1 ordered 2024-06-01 and 2024-11-01 before, and 2024-12-30 after.
        #expect(try value(table, "order_count", "1") == .integer(2))
        #expect(try value(table, "recency_days", "1") == .integer(30))
        #expect(try value(table, "email_open_30d", "1") == .integer(0))
        // Customer 1's interactions are on 2024-12-29.
        #expect(try value(table, "days_since_last_interaction", "1") == .missing)
        // Customer 18 signed up after 2024-12-01, so is not profiled at all.
        #expect(table.index(of: "18") == nil)
    }

    @Test("interaction counts fall into 30, 90 and 365 day windows")
    func interactionWindows() throws {
        let sandbox = try Sandbox()
        let table = try Fixture.trickyDatabase(in: sandbox).profiles(asOf: Self.asOf)
        #expect(try value(table, "email_open_30d", "1") == .integer(1))
        #expect(try value(table, "interactions_30d", "1") == .integer(2))
        // Customer 6: inquiry 2024-02-02 and feedback 2024-02-03, 11 months before as-of.
        #expect(try value(table, "interactions_90d", "6") == .integer(0))
        #expect(try value(table, "interactions_365d", "6") == .integer(2))
        #expect(try value(table, "days_since_last_interaction", "6") == .integer(333))
    }

    @Test("gaps between orders, categories, age and tenure")
    func derivedValues() throws {
        let sandbox = try Sandbox()
        let table = try Fixture.trickyDatabase(in: sandbox).profiles(asOf: Self.asOf)
        // Customer 20 ordered 2023-12-20, 2024-12-20 and 2024-12-24, each at 18:00Z: gaps 366 and 4.
        #expect(try value(table, "last_days_between_orders", "20") == .number(4))
        #expect(try value(table, "median_days_between_orders", "20") == .number(185))
        #expect(try value(table, "median_days_between_orders", "5") == .missing)
        #expect(try value(table, "top_categories", "1") == .text("Home,Office"))
        #expect(try value(table, "age_years", "1") == .integer(44))  // born 1980-02-29
        #expect(try value(table, "age_years", "16") == .missing)  // birth_date "NULL"
        #expect(try value(table, "tenure_days", "6") == .integer(366))
        #expect(try value(table, "average_order_value", "2") == .number(176))
    }

    @Test("top categories: by order count, ties by name, at most three, each customer's own list")
    func topCategories() throws {
        let sandbox = try Sandbox()
        let database = try sandbox.database()
        let importer = Importer(database: database)
        _ = try importer.importFile(.customers, path: try sandbox.file("customers.csv", "id,name\nx,X\ny,Y\nz,Z\nw,W\nv,V\n"))
        // x: Garden 2, then Home, Office, Toys 1 each; y: Toys 3, Home 1; z: Home 3, Toys 1 (the
        // same two categories as y, the other way round); w: no category; v: none ordered.
        let orders = [
            ("x", "Toys"), ("x", "Garden"), ("x", "Office"), ("x", "Garden"), ("x", "Home"),
            ("y", "Toys"), ("y", "Home"), ("y", "Toys"), ("y", "Toys"),
            ("z", "Home"), ("z", "Toys"), ("z", "Home"), ("z", "Home"), ("w", ""),
        ]
        let lines = orders.enumerated().map { index, order in
            "\(index + 1),\(order.0),2024-06-\(10 + index)T12:00:00Z,\(order.1),10.00"
        }
        let csv = "id,customer_id,ordered_at,category,amount\n" + lines.joined(separator: "\n") + "\n"
        _ = try importer.importFile(.orders, path: try sandbox.file("orders.csv", csv))
        let table = try database.profiles(asOf: Self.asOf)
        #expect(try value(table, "top_categories", "x") == .text("Garden,Home,Office"))
        #expect(try value(table, "category_count", "x") == .integer(4))
        #expect(try value(table, "top_categories", "y") == .text("Toys,Home"))
        #expect(try value(table, "top_categories", "z") == .text("Home,Toys"))
        #expect(try value(table, "top_categories", "w") == .missing)
        #expect(try value(table, "category_count", "w") == .integer(0))
        #expect(try value(table, "top_categories", "v") == .missing)
    }

    @Test("a custom field column gives back every kind of value it was given, and takes new ones")
    func customFieldColumn() {
        let values: [ProfileValue] = [
            .missing, .integer(-7), .integer(.max), .number(2.5), .number(-0.0), .number(.infinity), .text("gold"),
            .text(""), .text("gold"), .text("a longer text than fifteen bytes"), .boolean(true), .boolean(false),
        ]
        var column = ProfileColumn(values)
        #expect((0..<column.count).map { column[$0] } == values)
        column[0] = .text("silver")
        column[6] = .missing
        column[7] = .number(1e-300)
        #expect(column[0] == .text("silver") && column[6] == .missing && column[7] == .number(1e-300))
        #expect(column[8] == .text("gold"))
        let defaults = ProfileColumn(repeating: .text("bronze"), count: 3)
        #expect((0..<3).map { defaults[$0] } == [.text("bronze"), .text("bronze"), .text("bronze")])
        #expect(ProfileColumn(repeating: .number(.nan), count: 1)[0].numeric?.isNaN == true)
    }

    @Test("customer ids sort numerically when they are numbers, then as text")
    func idOrder() {
        let ids = ["10", "2", "b", "a", "007", "1"]
        #expect(ids.sorted(by: CustomerIDOrder.precedes) == ["1", "2", "10", "007", "a", "b"])
        #expect(CustomerIDOrder.ranks(of: ids) == [2, 1, 5, 4, 3, 0])
        var random = SystemRandomNumberGenerator()
        let mixed = (0..<500).map { _ in
            Bool.random(using: &random) ? String(Int.random(in: 0...100_000, using: &random)) : "c" + String(Int.random(in: 0...999, using: &random))
        }
        let unique = Array(Set(mixed))
        let ranks = CustomerIDOrder.ranks(of: unique)
        let sorted = unique.sorted(by: CustomerIDOrder.precedes)
        #expect(unique.indices.allSatisfy { sorted[Int(ranks[$0])] == unique[$0] })
    }

    @Test("NTILE splits 17 rows into groups of 4, 4, 3, 3, 3 like SQL")
    func ntileGroups() {
        let tiles = Ntile.assign(order: Array(0..<17), rowCount: 17, tiles: 5)
        #expect(tiles == [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5])
        #expect(Ntile.assign(order: [0, 1], rowCount: 3, tiles: 5) == [1, 2, 0])
    }

    @Test("statistics give mean, extremes and interpolated quantiles over buyers")
    func fieldStatistics() throws {
        let sandbox = try Sandbox()
        let table = try Fixture.trickyDatabase(in: sandbox).profiles(asOf: Self.asOf)
        let stats = try #require(try PopulationStatistics(table: table).statistics(of: "order_count", among: .buyers))
        #expect(stats.count == 17)
        #expect(stats.sum == 26)
        #expect(stats.min == 1 && stats.max == 3)
        #expect(stats.quantiles["p50"] == 1)
        #expect(try PopulationStatistics(table: table).statistics(of: "order_count", among: .prospects)?.max == 0)
    }
}
