import Foundation
import Testing

/// `crm customer delete|data|orders|interactions` on the example data with every plugin run.
@Suite("Erasure and the right of access")
struct CustomerErasureTests {
    static let repository = FollowUpProcessTests.repository

    /// The example data, segmented and scored, with a personal field declared by a test plugin.
    static func shop(_ crm: CRMProcess) throws -> [String: String] {
        try FileManager.default.createDirectory(atPath: crm.path("extra"), withIntermediateDirectories: true)
        try crm.write("extra/private.lua", """
            return { name = "private", version = "1.0.0", description = "a personal field",
              fields = { nickname = { type = "string", personal = true }, newsletter = { type = "boolean" } } }
            """)
        let environment = ["CRM_DB": crm.path("shop.sqlite"), "CRM_PLUGINS": "\(repository)/plugins:\(crm.path("extra"))"]
        #expect(try crm.run(["init"], environment: environment).status == 0)
        for kind in ["customers", "orders", "interactions"] {
            #expect(try crm.run(["import", kind, "\(repository)/examples/\(kind).csv"], environment: environment).status == 0)
        }
        #expect(try crm.run(["segment", "run", "--as-of", "2025-01-01"], environment: environment).status == 0)
        #expect(try crm.run(["field", "set", "72", "nickname", "Ahmed K"], environment: environment).status == 0)
        #expect(try crm.run(["field", "set", "72", "newsletter", "true"], environment: environment).status == 0)
        return environment
    }

    static func sql(_ crm: CRMProcess, _ query: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [crm.path("shop.sqlite"), query]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("delete removes the customer and every row that refers to them, in every table, recorded with counts only")
    func delete() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        let environment = try Self.shop(crm)
        func run(_ arguments: String...) throws -> CRMProcess.Result { try crm.run(arguments, environment: environment) }
        let refused = try run("customer", "delete", "72")
        #expect(refused.status != 0 && refused.stderr.contains("without --yes"))
        #expect(try run("customer", "show", "72").status == 0)
        let unknown = try run("customer", "delete", "nobody", "--yes")
        #expect(unknown.status != 0 && unknown.stderr.contains("no customer with id \"nobody\""))
        let before = try Self.sql(crm, "SELECT count(*) FROM orders")
        let deleted = try run("customer", "delete", "72", "--yes")
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(deleted.stdout.contains("orders 35"))
        #expect(try Int(Self.sql(crm, "SELECT count(*) FROM orders")) == Int(before).map { $0 - 35 })
        for table in ["customer_fields", "orders", "interactions", "customer_activity", "memberships", "transitions", "scores",
                      "follow_ups", "tasks", "customer_tags", "outbox", "contact_blocks", "job_effects"] {
            #expect(try Self.sql(crm, "SELECT count(*) FROM \(table) WHERE customer_pk NOT IN (SELECT pk FROM customers)") == "0", "\(table)")
        }
        #expect(try Self.sql(crm, "PRAGMA foreign_key_check") == "")
        let show = try run("customer", "show", "72")
        #expect(show.status != 0)
        let runs = try run("runs", "--limit", "1", "--format", "csv").stdout
        #expect(runs.contains("erasure") && runs.contains("orders 35") && !runs.contains("Kowalski") && !runs.contains(",72,"))
        // Segment sizes stay consistent: every segmentation counts one customer fewer.
        let sizes = try run("segment", "show", "rfm", "--format", "json").stdout
        let total = (try JSONSerialization.jsonObject(with: Data(sizes.utf8)) as? [[String: Any]])?
            .reduce(0) { $0 + (($1["customers"] as? Int) ?? 0) }
        #expect(total == 299, "\(sizes)")
    }

    @Test("anonymize keeps orders and segments under an anonymous id and erases the personal data")
    func anonymize() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        let environment = try Self.shop(crm)
        func run(_ arguments: String...) throws -> CRMProcess.Result { try crm.run(arguments, environment: environment) }
        let revenue = try Self.sql(crm, "SELECT sum(amount) FROM orders")
        let result = try run("customer", "delete", "72", "--anonymize", "--yes")
        #expect(result.status == 0, "\(result.stderr)")
        let anonymous = try #require(result.stdout.split(separator: " ").dropFirst(4).first.map(String.init)?.replacingOccurrences(of: ";", with: ""))
        #expect(anonymous.hasPrefix("anon-"))
        #expect(try Self.sql(crm, "SELECT sum(amount) FROM orders") == revenue)
        let data = try run("customer", "data", anonymous)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(data.stdout.utf8)) as? [String: Any])
        let customer = try #require(object["customer"] as? [String: Any])
        for key in ["name", "email", "phone", "birth_date"] { #expect(customer[key] is NSNull, "\(key)") }
        #expect(customer["city"] as? String == "Singapore")
        let fields = try #require(object["fields"] as? [String: Any])
        #expect(fields["nickname"] == nil && fields["newsletter"] as? String == "true")
        #expect((object["orders"] as? [Any])?.count == 35)
        #expect((object["segments"] as? [Any])?.count == 8)
        #expect((object["tasks"] as? [Any])?.isEmpty == true && (object["tags"] as? [Any])?.isEmpty == true)
        #expect(try run("customer", "show", "72").status != 0)
    }

    @Test("customer data, orders and interactions: everything about one customer, newest first")
    func access() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        let environment = try Self.shop(crm)
        func run(_ arguments: String...) throws -> CRMProcess.Result { try crm.run(arguments, environment: environment) }
        let data = try run("customer", "data", "72")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(data.stdout.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["customer", "fields", "currency", "orders", "interactions", "segments", "segment_history", "scores",
                                     "tasks", "tags", "messages", "do_not_contact"])
        #expect((object["fields"] as? [String: Any])?["nickname"] as? String == "Ahmed K")
        let orders = try run("customer", "orders", "72", "--limit", "2", "--format", "csv").stdout.split(separator: "\n")
        #expect(orders.count == 3 && orders[1].hasPrefix("773,2022-04-11T13:54:25Z,Road Bike,Sports,1,899.00,899.00,"), "\(orders)")
        let interactions = try run("customer", "interactions", "72", "--format", "csv").stdout.split(separator: "\n")
        #expect(interactions.count == 7 && interactions[1].hasSuffix("2022-06-20T17:26:47Z"))
        #expect(try run("customer", "orders", "nobody").stderr.contains("no customer with id \"nobody\""))
    }
}
