import Foundation
import GRDB
import Testing

@testable import CRMCore

@Suite("Kept profiles: a run keeps its profile table on disk, the next request reads it while nothing changed")
struct KeptProfileTests {
    static let asOf = Timestamp(iso8601: "2025-01-01T00:00:00Z")!
    static let shape = ProfileShape(declarations: [
        .standard,
        ProfileDeclaration(
            kindWindows: ["inquiry": [14]], anyKindWindows: [7], orderWindows: [60], revenueWindows: [60], topCategories: 5),
    ])

    /// A generated set of 300 customers (with returns, text ids, every kind of interaction).
    static func generated(_ sandbox: Sandbox) throws -> CRMDatabase {
        let directory = URL(fileURLWithPath: sandbox.path("data"))
        try SyntheticDataSet.write(options: GeneratorOptions(customers: 300, seed: 7), to: directory)
        let database = try sandbox.database()
        let importer = Importer(database: database)
        for kind in [RecordKind.customers, .orders, .interactions] {
            _ = try importer.importFile(kind, path: directory.appendingPathComponent("\(kind.rawValue).csv").path)
        }
        _ = try importer.importFile(.customers, path: try sandbox.file("text.csv", "id,name,city\nC-17,Text Id,Lyon\n"))
        return database
    }

    /// Every value of every customer, by field name, in row order.
    static func values(_ table: ProfileTable) -> [[String]] {
        let fields = ProfileField.all(for: table)
        return (0..<table.count).map { row in [table.ids[row], "\(table.pks[row])"] + fields.map { "\($0.name)=\($0.read(table, row))" } }
    }

    func kept(_ database: CRMDatabase, asOf: Timestamp = Self.asOf) throws -> ProfileTable {
        let table = try database.profiles(asOf: asOf, shape: Self.shape, keep: true)
        try database.keep(table)
        return table
    }

    func read(_ database: CRMDatabase, asOf: Timestamp = Self.asOf, shape: ProfileShape = Self.shape) throws -> ProfileTable {
        try database.profiles(asOf: asOf, shape: shape)
    }

    @Test("a build on several threads, chunk by chunk, gives the table one thread builds", arguments: [(2, 7), (2, 64), (3, 1), (2, 300)])
    func parallelBuild(appenders: Int, customersPerChunk: Int) throws {
        let database = try Self.generated(try Sandbox())
        func build(_ appenders: Int, _ chunk: Int) throws -> ProfileTable {
            try database.read { db in
                let scan = try ProfileQueries(db: db, asOf: Self.asOf).activity(kinds: Self.shape.interactionKinds)
                let builder = ProfileBuilder(asOf: Self.asOf, currencyScale: 2, shape: Self.shape, timeZone: .utc)
                return try builder.build(from: scan, appenders: appenders, customersPerChunk: chunk)
            }
        }
        let one = try build(1, ProfileBuilder.customersPerChunk)
        #expect(one.count == 301)
        let several = try build(appenders, customersPerChunk)
        #expect(Self.values(several) == Self.values(one))
    }

    @Test("a kept table reads back equal, field by field, to the one built, and only a keeping request writes it")
    func roundTrip() throws {
        let sandbox = try Sandbox()
        let database = try Self.generated(sandbox)
        let built = try read(database)
        #expect(!built.wasKept)
        #expect(try !read(database).wasKept, "a request that does not keep leaves nothing to read")
        #expect(try !database.profiles(asOf: Self.asOf, shape: Self.shape, keep: true).wasKept)
        #expect(try !read(database).wasKept, "nor one that may keep but did not")
        let keeping = try kept(database)
        #expect(!keeping.wasKept)
        let loaded = try read(database)
        #expect(loaded.wasKept)
        #expect(loaded.count == 301)
        #expect(Self.values(loaded) == Self.values(built))
        #expect(loaded.asOfDate == built.asOfDate)
    }

    /// A table built from scratch, whatever is kept.
    func built(_ database: CRMDatabase, fields: [CustomField] = [], shape: ProfileShape = Self.shape) throws -> ProfileTable {
        try database.write { db in try db.execute(sql: "UPDATE kept_profile SET key = '#' || key") }
        defer { _ = try? database.write { db in try db.execute(sql: "UPDATE kept_profile SET key = substr(key, 2)") } }
        let table = try database.profiles(asOf: Self.asOf, fields: fields, shape: shape)
        #expect(table.origin == .built)
        return table
    }

    @Test("after an import or a merge the next request builds only the changed customers again; an erasure drops the kept table")
    func changesPatch() throws {
        let sandbox = try Sandbox()
        let database = try Self.generated(sandbox)
        _ = try kept(database)
        #expect(try read(database).wasKept)

        _ = try Importer(database: database).importFile(.orders, path: try sandbox.file("more.csv", """
            id,customer_id,ordered_at,category,quantity,unit_price,amount
            900001,C-17,2024-12-31T10:00:00Z,Kites,1,12.00,12.00
            """))
        let afterImport = try read(database)
        #expect(afterImport.origin == .patched(customers: 1))
        let row = try #require(afterImport.index(of: "C-17"))
        #expect(afterImport.recencyDays[row] == 1)
        #expect(afterImport.topCategories[row] == "Kites")
        #expect(Self.values(afterImport) == Self.values(try built(database)))

        let rekept = try kept(database)
        #expect(rekept.origin == .patched(customers: 1), "a keeping request patches too, and keeps the result")
        #expect(try read(database).wasKept)
        #expect(Self.values(try read(database)) == Self.values(afterImport))

        _ = try database.eraseCustomer(id: "C-17", anonymize: false, personalFields: [])
        #expect(try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM kept_profile_columns") } == 0, "an erasure leaves no copy of the person's profile")
        let afterErasure = try read(database)
        #expect(afterErasure.origin == .built)
        #expect(afterErasure.index(of: "C-17") == nil)

        _ = try kept(database)
        let anonymous = afterErasure.ids[5]
        _ = try database.eraseCustomer(id: anonymous, anonymize: true, personalFields: [])
        #expect(try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM kept_profile_columns") } == 0)
        #expect(try read(database).index(of: anonymous) == nil)

        let beforeMerge = try kept(database)
        let first = beforeMerge.ids[0], second = beforeMerge.ids[1]
        _ = try database.mergeCustomers(keep: first, duplicate: second, preferDuplicate: false, dryRun: false)
        let afterMerge = try read(database)
        #expect(afterMerge.origin == .patched(customers: 1))
        #expect(afterMerge.index(of: second) == nil)
        let merged = try #require(afterMerge.index(of: first))
        let before = try #require(beforeMerge.index(of: first)), duplicate = try #require(beforeMerge.index(of: second))
        #expect(afterMerge.orderCount[merged] == beforeMerge.orderCount[before] + beforeMerge.orderCount[duplicate])
        #expect(Self.values(afterMerge) == Self.values(try built(database)))

        _ = try kept(database)
        _ = try Importer(database: database).importFile(.customers, path: try sandbox.file("new.csv", """
            id,name,city
            0,Zero,Oslo
            999999,Last,Quito
            C-01,Text,Lima
            """))
        let inserted = try read(database)
        #expect(inserted.origin == .patched(customers: 3))
        #expect(Self.values(inserted) == Self.values(try built(database)))
    }

    @Test("when more than a quarter of the customers changed, the next request builds everyone")
    func bigChangesBuild() throws {
        let sandbox = try Sandbox()
        let database = try Self.generated(sandbox)
        _ = try kept(database)
        try database.write { db in try db.execute(sql: "UPDATE customers SET city = 'Paris' WHERE pk % 3 = 0") }
        let table = try read(database)
        #expect(table.origin == .built)
        #expect(table.city[try #require(table.index(of: "3"))] == "Paris")
    }

    @Test("another instant of the same day reads it unless an order, interaction or sign-up lies between; another day or shape builds")
    func validity() throws {
        let sandbox = try Sandbox()
        let database = try sandbox.database()
        let importer = Importer(database: database)
        _ = try importer.importFile(.customers, path: try sandbox.file("c.csv", """
            id,name,created_at
            1,A,2024-06-01T00:00:00Z
            2,B,2025-01-01T20:00:00Z
            """))
        _ = try importer.importFile(.orders, path: try sandbox.file("o.csv", """
            id,customer_id,ordered_at,category,quantity,unit_price,amount
            1,1,2025-01-01T08:00:00Z,Shoes,1,80.00,80.00
            2,1,2025-01-01T12:00:00Z,Bags,1,40.00,40.00
            """))
        func at(_ time: String) -> Timestamp { Timestamp(iso8601: time)! }
        _ = try kept(database, asOf: at("2025-01-01T10:00:00Z"))
        #expect(try read(database, asOf: at("2025-01-01T08:00:00Z")).wasKept, "the 08:00 order is in both")
        #expect(try read(database, asOf: at("2025-01-01T11:59:59Z")).wasKept)
        #expect(try !read(database, asOf: at("2025-01-01T07:59:59Z")).wasKept, "before the 08:00 order")
        let noon = try read(database, asOf: at("2025-01-01T12:00:00Z"))
        #expect(!noon.wasKept, "the 12:00 order is in")
        #expect(noon.orderCount == [2])

        _ = try kept(database, asOf: at("2025-01-01T15:00:00Z"))
        #expect(try read(database, asOf: at("2025-01-01T19:59:59Z")).wasKept)
        let evening = try read(database, asOf: at("2025-01-01T20:00:00Z"))
        #expect(!evening.wasKept, "customer 2 signed up at 20:00")
        #expect(evening.count == 2)
        #expect(try !read(database, asOf: at("2024-12-31T23:00:00Z")).wasKept, "another day")
        #expect(try !read(database, asOf: at("2025-01-01T15:00:00Z"), shape: .standard).wasKept, "another shape")
    }

    @Test("custom field values are kept with the table, and setting one makes the next request build again")
    func customFieldsAreCurrent() throws {
        let sandbox = try Sandbox()
        let database = try Self.generated(sandbox)
        let folder = try Plugins.folder(in: sandbox, ["notes.lua": """
            return { name = "notes", version = "1.0.0", description = "a field", fields = { note = { type = "string" } } }
            """])
        let catalog = PluginCatalog.load(directories: [folder])
        #expect(catalog.failures.isEmpty, "\(catalog.failures)")
        try database.keep(try database.profiles(asOf: Self.asOf, fields: catalog.fields, shape: Self.shape, keep: true))
        try CustomFields(database: database, catalog: catalog).set(customerID: "C-17", name: "note", text: "call back")
        let table = try database.profiles(asOf: Self.asOf, fields: catalog.fields, shape: Self.shape)
        #expect(table.origin == .patched(customers: 1))
        #expect(Self.values(table) == Self.values(try built(database, fields: catalog.fields)))
        let row = try #require(table.index(of: "C-17"))
        #expect(table.customFieldValues[0][row] == ProfileValue.text("call back"))
        #expect(try !database.profiles(asOf: Self.asOf, fields: [], shape: Self.shape).wasKept, "other fields, another key")
        try database.keep(try database.profiles(asOf: Self.asOf, fields: catalog.fields, shape: Self.shape, keep: true))
        let kept = try database.profiles(asOf: Self.asOf, fields: catalog.fields, shape: Self.shape)
        #expect(kept.wasKept)
        #expect(kept.customFieldNames == ["note"])
        #expect(Self.values(kept) == Self.values(table))
    }

    @Test("a kept table is not replaced by one built from older data, and a damaged one is built again")
    func keepingRules() throws {
        let sandbox = try Sandbox()
        let database = try Self.generated(sandbox)
        let table = try kept(database)
        let key = KeptProfileStore.key(
            shape: Self.shape, fields: [], currencyScale: table.currencyScale, timeZone: table.timeZone, asOfDay: table.dayCounter.day(of: Self.asOf))
        try database.write { db in
            try db.execute(sql: "UPDATE kept_profile SET through_change = 10")
            try KeptProfileStore.keep(
                db, ProfileTable(asOf: Self.asOf, currencyScale: 2, shape: Self.shape, timeZone: .utc),
                ticket: .init(key: key, validity: .init(), through: 9, needsWrite: true))
        }
        #expect(try read(database).count == 301, "the older (empty) table was not kept")

        try database.write { db in
            try db.execute(sql: "UPDATE kept_profile_columns SET data = x'0102' WHERE name = 'recency_days'")
        }
        let rebuilt = try read(database)
        #expect(rebuilt.origin == .built)
        #expect(Self.values(rebuilt) == Self.values(table))
    }

    @Test("a field computation keeps the table with the values it wrote, so the next request reads them")
    func computedFieldsStayKept() throws {
        let sandbox = try Sandbox()
        let database = try Self.generated(sandbox)
        let folder = try Plugins.folder(in: sandbox, ["band.lua": """
            return { name = "band", version = "1.0.0", description = "a computed field",
              profile = { orders = { 60 }, revenue = { 60 }, interactions = { 7 }, by_kind = { inquiry = { 14 } }, top_categories = 5 },
              fields = { band = { type = "enum", values = { "high", "low" }, compute = function(c)
                if c.order_count == 0 then return nil end
                if c.monetary >= 500 then return "high" end
                return "low" end } } }
            """])
        let catalog = PluginCatalog.load(directories: [folder])
        #expect(catalog.failures.isEmpty, "\(catalog.failures)")
        let fields = CustomFields(database: database, catalog: catalog)
        let computed = try fields.compute([], asOf: Self.asOf)
        let buyers = try database.profiles(asOf: Self.asOf, shape: catalog.profileShape).orderCount.filter { $0 > 0 }.count
        #expect(try computed.map { try $0.get().changed } == [buyers], "every buyer got a band")
        let kept = try database.profiles(asOf: Self.asOf, fields: catalog.fields, shape: catalog.profileShape)
        #expect(kept.wasKept)
        try database.write { db in try db.execute(sql: "DELETE FROM kept_profile_columns WHERE name LIKE 'field %'") }
        let built = try database.profiles(asOf: Self.asOf, fields: catalog.fields, shape: catalog.profileShape)
        #expect(!built.wasKept, "a kept table without its field columns is built again")
        #expect(Self.values(kept) == Self.values(built))
        #expect(Set(Self.values(kept).map { $0.last! }) == ["band=high", "band=low", "band=nil"])

        let again = try fields.compute([], asOf: Self.asOf)
        #expect(try again.map { try $0.get().changed } == [0])
        #expect(try database.profiles(asOf: Self.asOf, fields: catalog.fields, shape: catalog.profileShape).wasKept)
    }

    @Test("keeping again writes the columns that differ, keeps the same ones, and drops those the new table lacks")
    func keepingAgainReplacesColumns() throws {
        func names(_ database: CRMDatabase) throws -> [String] {
            try database.read { db in try String.fetchAll(db, sql: "SELECT name FROM kept_profile_columns ORDER BY name") }
        }
        let sandbox = try Sandbox()
        let database = try Self.generated(sandbox)
        let folder = try Plugins.folder(in: sandbox, ["band.lua": """
            return { name = "band", version = "1.0.0", description = "a computed field",
              fields = { band = { type = "enum", values = { "high", "low" }, compute = function(c)
                if c.monetary >= 500 then return "high" end
                return "low" end } } }
            """])
        let catalog = PluginCatalog.load(directories: [folder])
        _ = try CustomFields(database: database, catalog: catalog).compute([], asOf: Self.asOf)
        let withField = try names(database)
        #expect(withField.contains { $0.hasPrefix("field band") })
        // Kept again without the field: its columns go, the others are the ones kept before.
        let table = try database.profiles(asOf: Self.asOf, shape: catalog.profileShape, keep: true)
        try database.keep(table)
        let fresh = try Self.generated(try Sandbox())
        try fresh.keep(try fresh.profiles(asOf: Self.asOf, shape: catalog.profileShape, keep: true))
        #expect(try names(database) == names(fresh))
        #expect(try names(database).count < withField.count)
        let read = try self.read(database, shape: catalog.profileShape)
        #expect(read.wasKept)
        #expect(Self.values(read) == Self.values(table))
    }
}
