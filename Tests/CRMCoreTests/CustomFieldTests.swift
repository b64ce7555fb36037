import Foundation
import GRDB
import Testing

@testable import CRMCore

@Suite("Custom fields")
struct CustomFieldTests {
    static let tierPlugin = """
        return {
          name = "tiers", version = "1.0.0", description = "fields for tests",
          fields = {
            tier = { type = "enum", values = { "gold", "silver" }, default = "silver" },
            owner = { type = "string", max_length = 10, validate = function(v)
              if v:find("@", 1, true) then return false, "is an email address" end
              return true end },
            seats = { type = "integer", min = 1, max = 500 },
            budget = { type = "decimal", min = 0 },
            active = { type = "boolean" },
            renewal = { type = "date" },
            code = { type = "string", pattern = "^[A-Z][A-Z][0-9]+$" },
            spend_band = { type = "enum", values = { "high", "low" }, compute = function(c)
              if c.order_count == 0 then return nil end
              if c.monetary >= 100 then return "high" end
              return "low" end },
          },
          segmentations = { by_tier = {
            segments = { "Gold", "Silver" },
            classify = function(c) if c.tier == "gold" then return "Gold", c.owner end return "Silver" end,
          } },
        }
        """

    struct Setup {
        let sandbox: Sandbox
        let database: CRMDatabase
        let catalog: PluginCatalog
        var fields: CustomFields { CustomFields(database: database, catalog: catalog) }
    }

    static func setup(_ source: String = tierPlugin) throws -> Setup {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let folder = try Plugins.folder(in: sandbox, ["tiers.lua": source])
        let catalog = PluginCatalog.load(directories: [folder])
        #expect(catalog.failures.isEmpty, "\(catalog.failures)")
        return Setup(sandbox: sandbox, database: database, catalog: catalog)
    }

    @Test("values of every type are checked when set, and a bad one changes nothing")
    func setChecksEveryType() throws {
        let setup = try Self.setup()
        try setup.fields.set(customerID: "1", name: "tier", text: "gold")
        try setup.fields.set(customerID: "1", name: "seats", text: "12")
        try setup.fields.set(customerID: "1", name: "budget", text: "1500.50")
        try setup.fields.set(customerID: "1", name: "active", text: "true")
        try setup.fields.set(customerID: "1", name: "renewal", text: "2025-06-30")
        try setup.fields.set(customerID: "1", name: "code", text: "AB12")
        let bad: [(String, String, String)] = [
            ("tier", "platinum", "is not one of gold, silver"),
            ("seats", "0", "is below the minimum 1"),
            ("seats", "12.5", "is not a whole number"),
            ("budget", "1,5", "is not a decimal number"),
            ("active", "yes", "is not a boolean"),
            ("renewal", "30/06/2025", "is not"),
            ("owner", "a very long owner name", "allows at most 10"),
            ("owner", "ann@x.com", "is an email address"),
            ("code", "ab12", "does not match the pattern"),
        ]
        for (field, value, reason) in bad {
            #expect {
                try setup.fields.set(customerID: "1", name: field, text: value)
            } throws: { error in
                "\(error)".contains("customer 1: field '\(field)'") && "\(error)".contains(reason)
            }
        }
        let readings = Dictionary(uniqueKeysWithValues: try setup.fields.get(customerID: "1").map { ($0.name, $0) })
        #expect(readings["tier"]?.value == "gold")
        #expect(readings["budget"]?.value == "1500.50")
        #expect(readings["renewal"]?.value == "2025-06-30")
        #expect(readings["owner"]?.source == FieldReading.Source.none)
        #expect(try setup.fields.get(customerID: "2", name: "tier").first == FieldReading(name: "tier", value: "silver", source: .default))
    }

    @Test("customer CSV columns named like declared fields are imported, checked all or nothing")
    func importFieldColumns() throws {
        let setup = try Self.setup()
        let good = try setup.sandbox.file("fields.csv", "id,tier,seats,owner\n1,gold,10,Ann\n2,,3,\n")
        _ = try Importer(database: setup.database).importFile(.customers, path: good, customFields: setup.catalog.fields)
        #expect(try setup.fields.get(customerID: "1", name: "seats").first?.value == "10")
        #expect(try setup.fields.get(customerID: "2", name: "tier").first?.source == .default)
        let before = try setup.database.fieldCounts()
        let bad = try setup.sandbox.file("bad.csv", "id,tier,seats\n3,gold,2\n4,bronze,900\n")
        #expect {
            try Importer(database: setup.database).importFile(.customers, path: bad, customFields: setup.catalog.fields)
        } throws: { error in
            let problems = (error as? CRMError)?.importProblems.map(\.description) ?? []
            return problems == [
                "\(bad):3: column 'tier': \"bronze\" is not one of gold, silver",
                "\(bad):3: column 'seats': \"900\" is above the maximum 500 of 'seats'",
            ]
        }
        #expect(try setup.database.fieldCounts() == before)
        let unknown = try setup.sandbox.file("unknown.csv", "id,shoe_size\n1,42\n")
        #expect {
            try Importer(database: setup.database).importFile(.customers, path: unknown, customFields: setup.catalog.fields)
        } throws: { error in
            "\(error)".contains("unknown column 'shoe_size'") && "\(error)".contains("custom fields a plugin declares")
        }
    }

    @Test("fields reach classify, computed fields are stored with their run, and --where filters on them")
    func fieldsInSegmentationAndFilter() throws {
        let setup = try Self.setup()
        try setup.fields.set(customerID: "2", name: "tier", text: "gold")
        try setup.fields.set(customerID: "2", name: "owner", text: "Bo")
        var computed: [Result<FieldComputation, SegmentationError>] = []
        _ = try SegmentationEngine(database: setup.database, catalog: setup.catalog).run(["by_tier"], asOf: Plugins.asOf) { progress in
            if case .fieldComputed(let result) = progress { computed.append(result) }
        }
        #expect(try computed.first?.get().changed == 17)
        #expect(try SegmentReasons(database: setup.database, catalog: setup.catalog).members(segmentation: "by_tier", segment: "Gold").map(\.reason) == ["Bo"])
        #expect(try setup.fields.get(customerID: "2", name: "spend_band").first == FieldReading(name: "spend_band", value: "high", source: .computed))
        #expect(try setup.fields.get(customerID: "6", name: "spend_band").first?.source == FieldReading.Source.none)
        let filter = CustomerFilter(expression: "spend_band = \"high\" and tier = 'gold'")
        #expect(try filter.matches(database: setup.database, catalog: setup.catalog, asOf: Plugins.asOf) == ["2"])
        let byAttribute = CustomerFilter(expression: "company_size = \"1000+\" or city == 'Denver'")
        #expect(try byAttribute.matches(database: setup.database, catalog: setup.catalog, asOf: Plugins.asOf) == ["2", "17", "20"])
        #expect(throws: CRMError.self) {
            try CustomerFilter(expression: "industy = 'Retail'").matches(database: setup.database, catalog: setup.catalog, asOf: Plugins.asOf)
        }
        // Customers without orders have no recency: ordering nil is false, as in SQL.
        let recent = CustomerFilter(expression: "recency_days < 3")
        #expect(try recent.matches(database: setup.database, catalog: setup.catalog, asOf: Plugins.asOf) == ["1", "2", "5"])
        #expect(throws: CRMError.self) {
            try CustomerFilter(expression: "recency_days + nil_value").matches(database: setup.database, catalog: setup.catalog, asOf: Plugins.asOf)
        }
    }

    @Test("a computed decimal is written with at most six decimals and no trailing zeros, whole or not")
    func computedDecimalText() throws {
        let setup = try Self.setup("""
            return {
              name = "numbers", version = "1.0.0", description = "d",
              fields = {
                amount = { type = "decimal", compute = function(c)
                  local values = { 3.0, 2.5, 1 / 3, -4.0, 0.0, -0.0, 1e15, 2.0 ^ 62, 1234.5678901, -0.25, 7 }
                  return values[tonumber(c.id)] end },
              },
            }
            """)
        var profiles = try setupProfiles(setup)
        let outcomes = try setup.fields.computeFields(["amount"], profiles: &profiles)
        #expect(outcomes.allSatisfy { (try? $0.get()) != nil }, "\(outcomes)")
        let expected = [
            "3", "2.5", "0.333333", "-4", "0", "-0", "1000000000000000", "4611686018427387904", "1234.56789", "-0.25", "7",
        ]
        for (index, text) in expected.enumerated() {
            #expect(try setup.fields.get(customerID: "\(index + 1)", name: "amount").first?.value == text, "customer \(index + 1)")
        }
    }

    @Test("a run's first segmentation classifies on the new values of the last computed field (it starts while they are written)")
    func firstSegmentationSeesLastField() throws {
        let source = """
            return {
              name = "bands", version = "1.0.0", description = "d",
              fields = {
                orders_seen = { type = "integer", compute = function(c) return c.order_count end },
                band = { type = "enum", values = { "buyer", "none" }, compute = function(c)
                  return c.order_count > 0 and "buyer" or "none" end },
              },
              -- Each reads both fields, so whichever is first reads the last one computed.
              segmentations = {
                by_band = { segments = { "Buyer", "Other" }, classify = function(c)
                  return c.band == "buyer" and (c.orders_seen or 0) > 0 and "Buyer" or "Other" end },
                by_count = { segments = { "Some", "None" }, classify = function(c)
                  return c.band == "buyer" and (c.orders_seen or 0) > 0 and "Some" or "None" end },
              },
            }
            """
        let setup = try Self.setup(source)
        for date in ["2025-01-01", "2025-01-02"] {
            let results = try SegmentationEngine(database: setup.database, catalog: setup.catalog).run([], asOf: try Timestamp.parse(date))
            #expect(results.count == 2 && results.allSatisfy { (try? $0.get()) != nil })
        }
        let members = SegmentReasons(database: setup.database, catalog: setup.catalog)
        let buyers = try members.members(segmentation: "by_band", segment: "Buyer").map(\.customerID)
        let some = try members.members(segmentation: "by_count", segment: "Some").map(\.customerID)
        #expect(buyers.count > 5 && buyers.count < 20)
        #expect(buyers == some)
        // Only the first run moved anyone: each segmentation saw this run's field values.
        let moved = try setup.database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM transitions") }
        #expect(moved == 40)
    }

    @Test("computed fields in turn: each sees the ones before it, a failing one keeps its values and the next still computes")
    func chainedComputedFields() throws {
        let setup = try Self.setup("""
            return {
              name = "chain", version = "1.0.0", description = "computed fields that read each other",
              fields = {
                doubled = { type = "integer", compute = function(c) return c.order_count * 2 end },
                plus_one = { type = "integer", compute = function(c) return c.doubled + 1 end },
                broken = { type = "integer", compute = function(c)
                  if c.order_count > 2 then error("too many") end
                  return c.plus_one end },
                last = { type = "string", compute = function(c)
                  return tostring(c.plus_one) .. "/" .. tostring(c.broken) end },
              },
            }
            """)
        var profiles = try setupProfiles(setup)
        let outcomes = try setup.fields.computeFields(["doubled", "plus_one", "broken", "last"], profiles: &profiles)
        #expect(outcomes.map { (try? $0.get())?.field ?? "failed" } == ["doubled", "plus_one", "failed", "last"])
        guard case .failure(let error) = outcomes[2] else { Issue.record("broken did not fail"); return }
        #expect(error.description.contains("too many"))
        let orders = try #require(try setup.database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM orders WHERE customer_pk = 1")
        })
        #expect(try setup.fields.get(customerID: "1", name: "plus_one").first?.value == "\(orders * 2 + 1)")
        #expect(try setup.fields.get(customerID: "1", name: "broken").first?.source == FieldReading.Source.none)
        #expect(try setup.fields.get(customerID: "1", name: "last").first?.value == "\(orders * 2 + 1)/nil")
        // Values are keyed by field, then customer: one field's first values append; one
        // customer's values are a seek per field.
        let plan = try setup.database.read { db in
            try Row.fetchAll(
                db, sql: "EXPLAIN QUERY PLAN SELECT * FROM customer_fields WHERE \(CustomerErasure.customerFilter(for: "customer_fields"))",
                arguments: [1]
            ).map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.hasPrefix("SEARCH customer_fields USING PRIMARY KEY (field=? AND customer_pk=?)") }, "\(plan)")
        #expect(try setup.database.fieldValues(customerID: "1")?.keys.sorted() == ["doubled", "last", "plus_one"])
        let runs = try setup.database.runs().reversed().filter { $0.kind == .field }
        #expect(runs.map(\.subject) == ["doubled", "plus_one", "broken", "last"])
        #expect(runs.map(\.outcome) == [.succeeded, .succeeded, .failed, .succeeded])
    }

    func setupProfiles(_ setup: Setup) throws -> ProfileTable {
        try setup.database.profiles(asOf: Plugins.asOf, fields: setup.catalog.fields, shape: setup.catalog.profileShape, keep: false)
    }

    @Test("recomputing a field writes only the values that changed and removes those that became nil")
    func recomputeWritesChanges() throws {
        let setup = try Self.setup()
        func compute(asOf: Timestamp) throws -> Int {
            var changed: [Int] = []
            _ = try SegmentationEngine(database: setup.database, catalog: setup.catalog).run(["by_tier"], asOf: asOf, rewind: true) { progress in
                if case .fieldComputed(let result) = progress, let done = try? result.get() { changed.append(done.changed) }
            }
            return try #require(changed.first)
        }
        #expect(try compute(asOf: Plugins.asOf) == 17)
        #expect(try compute(asOf: Plugins.asOf) == 0)
        #expect(try setup.fields.get(customerID: "5", name: "spend_band").first?.source == .computed)
        // Customer 5's only order is 2024-12-31: on 2024-12-01 they have none, so no value.
        let earlier = try #require(Timestamp(iso8601: "2024-12-01T00:00:00Z"))
        let moved = try compute(asOf: earlier)
        #expect(moved > 0)
        #expect(try setup.fields.get(customerID: "5", name: "spend_band").first?.source == FieldReading.Source.none)
        // The same values as a database that only ever computed them on that date, but for
        // customer 18, created after it: customers an as-of does not know are left as they are.
        let fresh = try Self.setup()
        _ = try SegmentationEngine(database: fresh.database, catalog: fresh.catalog).run(["by_tier"], asOf: earlier)
        #expect(try setup.fields.get(customerID: "18", name: "spend_band").first?.source == .computed)
        for id in (1...20).filter({ $0 != 18 }).map(String.init) {
            #expect(try setup.fields.get(customerID: id, name: "spend_band") == fresh.fields.get(customerID: id, name: "spend_band"), "customer \(id)")
        }
        #expect(try compute(asOf: earlier) == 0)
        #expect(try compute(asOf: Plugins.asOf) == moved)
    }

    @Test("changing a field's enum values reports the stored values that no longer fit, and keeps them")
    func checkAfterChange() throws {
        let setup = try Self.setup()
        try setup.fields.set(customerID: "1", name: "tier", text: "gold")
        try setup.fields.set(customerID: "3", name: "seats", text: "40")
        let changed = Self.tierPlugin
            .replacingOccurrences(of: "values = { \"gold\", \"silver\" }, default", with: "values = { \"platinum\", \"silver\" }, default")
            .replacingOccurrences(of: "type = \"integer\", min = 1, max = 500", with: "type = \"date\"")
        let folder = try Plugins.folder(in: setup.sandbox, ["tiers.lua": changed])
        let catalog = PluginCatalog.load(directories: [folder])
        #expect(catalog.failures.isEmpty, "\(catalog.failures)")
        let findings = try CustomFields(database: setup.database, catalog: catalog).check()
        #expect(findings.map(\.description) == [
            "customer 1: field 'tier': \"gold\" is not one of platinum, silver",
            "customer 3: field 'seats': \"40\" is not a date any more",
        ])
        #expect(try setup.database.fieldCounts()["tier"] == 1)
    }

    @Test("a field whose plugin is gone is listed, and its data kept")
    func orphanedField() throws {
        let setup = try Self.setup()
        try setup.fields.set(customerID: "1", name: "seats", text: "7")
        let empty = try Plugins.folder(in: setup.sandbox, ["tiers.lua": "return { name = 'x', version = '1', description = 'd', fields = {} }"])
        let listing = try CustomFields(database: setup.database, catalog: PluginCatalog.load(directories: [empty])).list()
        #expect(listing == [FieldListing(name: "seats", plugin: nil, type: "undeclared (plugin gone)", label: nil, customersWithValue: 1)])
    }

    @Test("two plugins declaring one field: neither loads, naming the other file; a field may not shadow an attribute")
    func fieldConflicts() throws {
        let sandbox = try Sandbox()
        let folder = try Plugins.folder(in: sandbox, [
            "a.lua": "return { name = 'a', version = '1', description = 'd', fields = { tier = { type = 'string' } } }",
            "b.lua": "return { name = 'b', version = '1', description = 'd', fields = { tier = { type = 'integer' } } }",
            "c.lua": "return { name = 'c', version = '1', description = 'd', fields = { city = { type = 'string' } } }",
        ])
        let catalog = PluginCatalog.load(directories: [folder])
        #expect(catalog.plugins.isEmpty)
        let messages = catalog.failures.map(\.description)
        #expect(messages.contains { $0.hasSuffix("b.lua: field 'tier' is also defined by \(folder)/a.lua; neither is loaded") })
        #expect(messages.contains { $0.contains("c.lua:1: fields.city: 'city' is already a customer attribute") })
    }

    @Test("exported customers carry the custom field columns that are not computed, and import back")
    func exportWithFields() throws {
        let setup = try Self.setup()
        try setup.fields.set(customerID: "1", name: "tier", text: "gold")
        try setup.fields.set(customerID: "1", name: "owner", text: "A \"B\", C")
        let path = setup.sandbox.path("export.csv")
        let names = setup.catalog.fields.filter { !$0.definition.isComputed }.map(\.name)
        let writer = try CSVWriter(path: path)
        try writer.write(row: RecordKind.customers.columns + names)
        try setup.database.exportRecords(.customers, customFields: names) { try writer.write(row: $0.map { $0 ?? "" }) }
        try writer.close()
        let copy = try CRMDatabase(path: setup.sandbox.path("copy.sqlite"))
        _ = try Importer(database: copy).importFile(.customers, path: path, customFields: setup.catalog.fields)
        #expect(try CustomFields(database: copy, catalog: setup.catalog).get(customerID: "1") == setup.fields.get(customerID: "1"))
    }
}
