import Foundation
import Testing

@testable import CRMCore

@Suite("The profile a plugin declares: windows, kinds, top categories, the business time zone")
struct ProfileWindowTests {
    static let asOf = Timestamp(iso8601: "2025-01-01T00:01:00Z")!

    /// Customer 1 asked 10 days ago, customer 2 twenty days ago, customer 3 at 23:59 on the
    /// 14th calendar day before as-of (13 days and 2 minutes earlier), customer 4 never.
    static func database(_ sandbox: Sandbox) throws -> CRMDatabase {
        let database = try sandbox.database()
        let importer = Importer(database: database)
        _ = try importer.importFile(.customers, path: try sandbox.file("c.csv", "id,name\n1,A\n2,B\n3,C\n4,D\n"))
        _ = try importer.importFile(.interactions, path: try sandbox.file("i.csv", """
            id,customer_id,kind,occurred_at
            1,1,inquiry,2024-12-22T09:00:00Z
            2,2,inquiry,2024-12-12T09:00:00Z
            3,3,inquiry,2024-12-18T23:59:00Z
            4,1,page_view,2024-12-31T10:00:00Z
            """))
        _ = try importer.importFile(.orders, path: try sandbox.file("o.csv", """
            id,customer_id,ordered_at,category,quantity,unit_price,amount
            1,1,2024-11-20T10:00:00Z,Shoes,1,80.00,80.00
            2,1,2024-12-30T10:00:00Z,Bags,1,40.00,40.00
            3,1,2024-12-31T10:00:00Z,Bags,-1,40.00,-40.00
            4,2,2024-10-01T10:00:00Z,Hats,1,10.00,10.00
            5,2,2024-10-02T10:00:00Z,Socks,1,5.00,5.00
            6,2,2024-10-03T10:00:00Z,Belts,1,5.00,5.00
            7,2,2024-10-04T10:00:00Z,Belts,1,5.00,5.00
            """))
        return database
    }

    static let quietPlugin = """
        return {
          name = "quiet",
          version = "1.0.0",
          description = "Who asked something lately",
          profile = {
            by_kind = { inquiry = { 14 } },
            orders = { 60 },
            revenue = { 60 },
            interactions = { 7 },
          },
          segmentations = {
            asked = {
              segments = { "Asked", "Quiet" },
              classify = function(c, p)
                if c.inquiry_14d > 0 then return "Asked", "inquiries in 14 days: " .. c.inquiry_14d end
                return "Quiet", "no inquiry in 14 days"
              end,
            },
          },
        }
        """

    func value(_ table: ProfileTable, _ field: String, _ id: String) throws -> ProfileValue {
        let customer = try #require(table.index(of: id))
        let reader = try #require(ProfileField.all(for: table).first { $0.name == field }, "no field \(field)")
        return reader.read(table, customer)
    }

    @Test("a plugin declaring a 14-day inquiry window classifies on it")
    func fourteenDayWindow() throws {
        let sandbox = try Sandbox()
        let database = try Self.database(sandbox)
        let catalog = PluginCatalog.load(directories: [try Plugins.folder(in: sandbox, ["quiet.lua": Self.quietPlugin])])
        #expect(catalog.failures.isEmpty, "\(catalog.failures)")
        let results = try SegmentationEngine(database: database, catalog: catalog).run(["asked"], asOf: Self.asOf)
        if case .failure(let error) = results.first { Issue.record("\(error)") }
        let members = Dictionary(uniqueKeysWithValues: try database.members(segmentation: "asked").map { ($0.customerID, $0.segment) })
        #expect(members == ["1": "Asked", "2": "Quiet", "3": "Quiet", "4": "Quiet"])
    }

    @Test("the core computes exactly the union of what the loaded plugins declare")
    func unionOfDeclarations() throws {
        let sandbox = try Sandbox()
        let catalog = PluginCatalog.load(directories: [try Plugins.folder(in: sandbox, ["quiet.lua": Self.quietPlugin])])
        let table = try Self.database(sandbox).profiles(asOf: Self.asOf, shape: catalog.profileShape)
        let windows = ProfileField.all(for: table).map(\.name).filter(ProfileShape.looksLikeWindow)
        #expect(Set(windows) == ["inquiry_14d", "orders_60d", "revenue_60d", "interactions_7d"])
    }

    @Test("windows count calendar days like recency_days: 13 days and 2 minutes back is the 14th day, outside 14 days")
    func calendarDays() throws {
        let sandbox = try Sandbox()
        let declaration = ProfileDeclaration(kindWindows: ["inquiry": [14, 15]], anyKindWindows: [1], orderWindows: [2, 3, 60], revenueWindows: [2, 3, 60])
        let table = try Self.database(sandbox).profiles(asOf: Self.asOf, shape: ProfileShape(declarations: [declaration]))
        #expect(try value(table, "inquiry_14d", "3") == .integer(0))
        #expect(try value(table, "inquiry_15d", "3") == .integer(1))
        #expect(try value(table, "days_since_last_interaction", "3") == .integer(14))
        // A page view at 10:00 yesterday is 1 calendar day old: outside a 1-day window ("today").
        #expect(try value(table, "interactions_1d", "1") == .integer(0))
        // Orders count purchases; revenue is net of returns. A 2-day window is today and
        // yesterday: the return of 31 December, not the purchase of the 30th.
        #expect(try value(table, "orders_2d", "1") == .integer(0))
        #expect(try value(table, "revenue_2d", "1") == .number(-40))
        #expect(try value(table, "orders_3d", "1") == .integer(1))
        #expect(try value(table, "revenue_3d", "1") == .number(0))
        #expect(try value(table, "orders_60d", "1") == .integer(2))
        #expect(try value(table, "revenue_60d", "1") == .number(80))
        #expect(try value(table, "orders_60d", "2") == .integer(0))
    }

    @Test("the built-in plugins see the fields they read, with the standard profile's names")
    func builtInProfile() throws {
        let catalog = PluginCatalog.load(directories: [Plugins.builtIn])
        #expect(catalog.failures.isEmpty, "\(catalog.failures)")
        let shape = catalog.profileShape
        let table = ProfileBuilder.blank(shape: shape)
        for plugin in catalog.plugins {
            let seen = Set(ProfileField.all(for: table, seenBy: plugin.definition.profile).map(\.name))
            for name in ProfileField.all(shape: .standard).map(\.name) where plugin.source.contains("c.\(name)") {
                #expect(seen.contains(name), "\(plugin.name) reads c.\(name) but does not see it")
            }
        }
        // The built-ins together need 9 window columns instead of the standard profile's 31.
        #expect(ProfileField.all(shape: shape).filter { ProfileShape.looksLikeWindow($0.name) }.count == 9)
        #expect(ProfileField.all(shape: .standard).filter { ProfileShape.looksLikeWindow($0.name) }.count == 31)
    }

    @Test("the standard profile (a plugin without a profile section) keeps every field it always had")
    func standardProfileUnchanged() {
        var expected = [
            "id", "city", "industry", "company_size", "gender", "occupation", "age_years", "tenure_days", "order_count", "monetary",
            "returns_count", "returned_amount", "average_order_value", "max_order_value", "max_order_quantity", "recency_days",
            "days_since_first_order", "median_days_between_orders", "last_days_between_orders", "orders_365d", "top_categories",
            "category_count", "days_since_last_interaction",
        ]
        for kind in InteractionKind.builtIn { expected += ["\(kind)_30d", "\(kind)_90d", "\(kind)_365d"] }
        expected += ["interactions_30d", "interactions_90d", "interactions_365d"]
        #expect(Set(ProfileField.all(shape: .standard).map(\.name)) == Set(expected))
        #expect(ProfileField.all(shape: .standard).count == expected.count)
    }

    @Test("top_categories lists as many categories as the plugin asked for")
    func topCategories() throws {
        let sandbox = try Sandbox()
        let three = ProfileDeclaration()
        let four = ProfileDeclaration(topCategories: 4)
        let table = try Self.database(sandbox).profiles(asOf: Self.asOf, shape: ProfileShape(declarations: [three, four]))
        func read(_ declaration: ProfileDeclaration) throws -> ProfileValue {
            let field = try #require(ProfileField.all(for: table, seenBy: declaration).first { $0.name == "top_categories" })
            return field.read(table, try #require(table.index(of: "2")))
        }
        #expect(try read(four) == .text("Belts,Hats,Socks"))
        let extra = try Sandbox()
        let database = try Self.database(extra)
        _ = try Importer(database: database).importFile(.orders, path: try extra.file("more.csv", """
            id,customer_id,ordered_at,category,quantity,unit_price,amount
            8,2,2024-10-05T10:00:00Z,Caps,1,5.00,5.00
            """))
        let wide = try database.profiles(asOf: Self.asOf, shape: ProfileShape(declarations: [three, four]))
        func readWide(_ declaration: ProfileDeclaration) throws -> ProfileValue {
            let field = try #require(ProfileField.all(for: wide, seenBy: declaration).first { $0.name == "top_categories" })
            return field.read(wide, try #require(wide.index(of: "2")))
        }
        #expect(try readWide(four) == .text("Belts,Caps,Hats,Socks"))
        #expect(try readWide(three) == .text("Belts,Caps,Hats"))
    }

    @Test("in the business time zone a late-evening UTC order is on the next day")
    func businessTimeZone() throws {
        let sandbox = try Sandbox()
        let database = try sandbox.database()
        let importer = Importer(database: database)
        _ = try importer.importFile(.customers, path: try sandbox.file("c.csv", "id,name,birth_date\n1,A,1990-01-01\n"))
        _ = try importer.importFile(.orders, path: try sandbox.file("o.csv", "id,customer_id,ordered_at,amount\n1,1,2024-12-31T20:00:00Z,10.00\n"))
        // 17:00 UTC on 31 December is 01:00 on 1 January in Shanghai.
        let asOf = Timestamp(iso8601: "2024-12-31T17:00:00Z")!
        let utc = try database.profiles(asOf: Timestamp(iso8601: "2025-01-01T12:00:00Z")!)
        #expect(try value(utc, "recency_days", "1") == .integer(1))
        try database.setBusinessTimeZone(try BusinessTimeZone("Asia/Shanghai"))
        let shanghai = try database.profiles(asOf: Timestamp(iso8601: "2025-01-01T12:00:00Z")!)
        #expect(try value(shanghai, "recency_days", "1") == .integer(0))
        #expect(shanghai.asOfDate == CalendarDate(daysSinceEpoch: Timestamp(iso8601: "2025-01-01")!.utcDay))
        let birthday = try database.profiles(asOf: asOf)
        #expect(try value(birthday, "age_years", "1") == .integer(35), "it is already 1 January 2025 in Shanghai")
        #expect(try database.businessTimeZone().identifier == "Asia/Shanghai")
    }

    @Test("day counting follows daylight saving time changes")
    func daylightSaving() throws {
        let berlin = try BusinessTimeZone("Europe/Berlin").dayCounter()
        // 22:30 UTC is 23:30 in winter (CET) but 00:30 the next day in summer (CEST).
        #expect(berlin.date(of: Timestamp(iso8601: "2024-01-15T22:30:00Z")!).iso8601 == "2024-01-15")
        #expect(berlin.date(of: Timestamp(iso8601: "2024-07-15T22:30:00Z")!).iso8601 == "2024-07-16")
        #expect(berlin.date(of: Timestamp(iso8601: "2024-03-31T00:59:59Z")!).iso8601 == "2024-03-31")
        #expect(BusinessTimeZone.utc.dayCounter().date(of: Timestamp(iso8601: "2024-07-15T23:59:59Z")!).iso8601 == "2024-07-15")
    }

    @Test("the first instant of a local day, across offsets and a daylight saving change")
    func startOfDay() throws {
        let shanghai = try BusinessTimeZone("Asia/Shanghai").dayCounter()
        let newYear = Timestamp(iso8601: "2025-01-01")!.utcDay
        #expect(shanghai.start(ofDay: newYear) == Timestamp(iso8601: "2024-12-31T16:00:00Z")!)
        let berlin = try BusinessTimeZone("Europe/Berlin").dayCounter()
        let changeDay = Timestamp(iso8601: "2024-03-31")!.utcDay
        #expect(berlin.start(ofDay: changeDay) == Timestamp(iso8601: "2024-03-30T23:00:00Z")!)
        #expect(berlin.start(ofDay: changeDay + 1) == Timestamp(iso8601: "2024-03-31T22:00:00Z")!)
        #expect(BusinessTimeZone.utc.dayCounter().start(ofDay: newYear) == Timestamp(iso8601: "2025-01-01")!)
        let asOf = Timestamp(iso8601: "2025-01-02T15:00:00Z")!
        #expect(shanghai.days(from: Timestamp(iso8601: "2024-12-31T17:00:00Z")!, to: asOf) == 1)
    }

    @Test("a zone that is not an IANA name is refused, with a suggestion")
    func badZone() {
        for name in ["Mars/Olympus", "EST", "GMT+8", "", "asia/shanghai"] {
            #expect(throws: CRMError.self, "\(name)") { try BusinessTimeZone(name) }
        }
        do {
            _ = try BusinessTimeZone("Asia/Shangai")
        } catch {
            #expect("\(error)".contains("did you mean Asia/Shanghai?"), "\(error)")
        }
    }

    @Test("a plugin reading a window it did not declare fails naming the field, the plugin and the customer")
    func undeclaredWindow() throws {
        let sandbox = try Sandbox()
        let database = try Self.database(sandbox)
        let plugin = Self.quietPlugin.replacingOccurrences(of: "c.inquiry_14d > 0", with: "c.inquiry_14d > 0 or c.call_7d > 0")
        let catalog = PluginCatalog.load(directories: [try Plugins.folder(in: sandbox, ["quiet.lua": plugin])])
        let results = try SegmentationEngine(database: database, catalog: catalog).run(["asked"], asOf: Self.asOf)
        guard case .failure(let error) = results.first else {
            Issue.record("the run succeeded")
            return
        }
        let message = "\(error)"
        #expect(message.contains("quiet.lua:15: in function 'classify'"), "\(message)")
        #expect(message.contains("c.call_7d is not in this plugin's profile"), "\(message)")
        #expect(message.contains("customer 2"), "\(message)")
        #expect(try database.members(segmentation: "asked").isEmpty)
    }

    @Test("bad profile declarations are refused with their key path and the plugin does not load", arguments: [
        ("orders = { 0 }", "profile.orders[1]", "a window is a whole number of days from 1 to 36500, got 0"),
        ("orders = { -7 }", "profile.orders[1]", "got -7"),
        ("revenue = { 1.5 }", "profile.revenue[1]", "got 1.5"),
        ("interactions = { \"14\" }", "profile.interactions[1]", "got \"14\""),
        ("interactions = { 14, 14 }", "profile.interactions[2]", "the 14-day window is declared twice"),
        ("by_kind = { inqiury = { 14 } }", "profile.by_kind.inqiury", "did you mean 'inquiry'?"),
        ("kinds = { \"call\" }", "profile.kinds[1]", "'call' is a built-in interaction kind"),
        ("kinds = { \"orders\" }", "profile.kinds[1]", "orders_<N>d is already a profile window"),
        ("kinds = { \"Web Inar\" }", "profile.kinds[1]", "lower case letters"),
        ("top_categories = 0", "profile.top_categories", "from 1 to 20, got 0"),
        ("window = { 14 }", "profile.window", "unknown key in a profile"),
    ])
    func badDeclarations(declaration: String, path: String, message: String) throws {
        let sandbox = try Sandbox()
        let plugin = Self.quietPlugin.replacingOccurrences(of: "interactions = { 7 },", with: declaration + ",")
        let catalog = PluginCatalog.load(directories: [try Plugins.folder(in: sandbox, ["quiet.lua": plugin])])
        #expect(catalog.plugins.isEmpty)
        let text = "\(catalog.failures)"
        #expect(text.contains(path) && text.contains(message), "\(text)")
    }

    @Test("a declared interaction kind is imported and counted; a kind nobody declares is refused listing the known ones")
    func declaredKinds() throws {
        let sandbox = try Sandbox()
        let database = try Self.database(sandbox)
        let file = try sandbox.file("webinars.csv", "id,customer_id,kind,occurred_at\n10,4,webinar,2024-12-30T10:00:00Z\n")
        do {
            _ = try Importer(database: database).importFile(.interactions, path: file)
            Issue.record("an undeclared kind was imported")
        } catch {
            #expect("\(error)".contains("webinars.csv:2: column 'kind': \"webinar\" is not a known interaction kind (known: call,"), "\(error)")
        }
        let plugin = Self.quietPlugin.replacingOccurrences(of: "interactions = { 7 },", with: "kinds = { \"webinar\" }, by_kind = { webinar = { 7 } },")
        let catalog = PluginCatalog.load(directories: [try Plugins.folder(in: sandbox, ["quiet.lua": plugin])])
        #expect(catalog.failures.isEmpty, "\(catalog.failures)")
        #expect(catalog.interactionKinds.contains("webinar"))
        var options = ImportOptions()
        options.interactionKinds = catalog.interactionKinds
        #expect(try Importer(database: database).importFile(.interactions, path: file, options: options).inserted == 1)
        let table = try database.profiles(asOf: Self.asOf, shape: catalog.profileShape)
        #expect(try value(table, "webinar_7d", "4") == .integer(1))
    }
}
