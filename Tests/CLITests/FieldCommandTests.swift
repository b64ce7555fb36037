import Foundation
import Testing

@Suite("Custom fields from the command line")
struct FieldCommandTests {
    /// A working folder with the built-in plugins, the fixtures imported and a field column.
    static func setup() throws -> CRMProcess {
        let crm = try CRMProcess()
        try FileManager.default.copyItem(atPath: SegmentCommandTests.repository + "/plugins", toPath: crm.path("plugins"))
        try crm.run("init")
        for kind in ["customers", "orders", "interactions"] {
            try crm.run("import", kind, CRMProcess.fixture("\(kind)_tricky.csv"))
        }
        return crm
    }

    @Test("an administrator imports field values, sees them on the customer, filters and segments by them")
    func endToEnd() throws {
        let crm = try Self.setup()
        defer { crm.remove() }
        try crm.write("levels.csv", "id,customer_level,preferred_channel\n2,gold,email\n20,silver,phone\n")
        let imported = try crm.run("import", "customers", "levels.csv")
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try crm.run("segment", "run", "--as-of", "2025-01-01").status == 0)
        let show = try crm.run("customer", "show", "2")
        #expect(show.stdout.contains("field customer_level"))
        #expect(show.stdout.contains("field vip_level                    gold (computed)"), "\(show.stdout)")
        let list = try crm.run("customer", "list", "--where", "customer_level = \"gold\" and vip_level = \"gold\"", "--format", "csv")
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.split(separator: "\n").map { $0.split(separator: ",").first.map(String.init) ?? "" } == ["id", "2"])
        let fields = try crm.run("field", "list", "--format", "csv")
        #expect(fields.stdout.contains("customer_level,fields,\"enum (bronze, silver, gold, platinum)\",Customer level,2"))
        let export = try crm.run("export", "customers")
        #expect(export.stdout.hasPrefix("id,name,email,phone,gender,birth_date,city,industry,company_size,occupation,created_at,customer_level,owner,"))
    }

    @Test("a bad field value in a CSV or in field set is refused with file, line and column or customer")
    func badValues() throws {
        let crm = try Self.setup()
        defer { crm.remove() }
        try crm.write("bad.csv", "id,customer_level,owner\n2,diamond,ann@example.com\n")
        let imported = try crm.run("import", "customers", "bad.csv")
        #expect(imported.status == 1)
        #expect(imported.stderr.contains("bad.csv:2: column 'customer_level': \"diamond\" is not one of bronze, silver, gold, platinum"))
        #expect(imported.stderr.contains("bad.csv:2: column 'owner': \"ann@example.com\" is an email address; write the owner's name"))
        let set = try crm.run("field", "set", "2", "customer_level", "diamond")
        #expect(set.status != 0)
        #expect(set.stderr.contains("customer 2: field 'customer_level': \"diamond\" is not one of"))
        let unknown = try crm.run("field", "set", "2", "shoe_size", "42")
        #expect(unknown.stderr.contains("no field named 'shoe_size' in the loaded plugins (known: 'customer_level',"))
        let get = try crm.run("field", "get", "2", "customer_level", "--format", "csv")
        #expect(get.stdout == "field,value,source\ncustomer_level,bronze,default\n")
    }

    @Test("field check exits 1 listing values that no longer fit after a plugin change")
    func check() throws {
        let crm = try Self.setup()
        defer { crm.remove() }
        #expect(try crm.run("field", "set", "2", "customer_level", "platinum").status == 0)
        #expect(try crm.run("field", "check").status == 0)
        let plugin = crm.path("plugins/fields.lua")
        let text = try String(contentsOfFile: plugin, encoding: .utf8)
        try text.replacingOccurrences(of: "\"gold\", \"platinum\"", with: "\"gold\"").write(toFile: plugin, atomically: true, encoding: .utf8)
        let check = try crm.run("field", "check", "--format", "csv")
        #expect(check.status == 1)
        #expect(check.stdout.contains("2,customer_level,platinum,\"\"\"platinum\"\" is not one of bronze, silver, gold\""))
    }
}
