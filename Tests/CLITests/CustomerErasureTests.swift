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
        let show = try run("customer", "show", "72").stdout
        #expect(show.contains("order 773") && show.contains("order 771") && !show.contains("order 770") && show.contains("interaction 474"))
        // Without --where, every customer, in id order.
        let all = try run("customer", "list", "--format", "csv").stdout.split(separator: "\n")
        #expect(all.count == 301 && all[1].hasPrefix("1,") && all[2].hasPrefix("2,"))
    }
}

@Suite("Merging duplicates")
struct CustomerMergeTests {
    @Test("merge moves orders, interactions, tasks and tags; dry run, itself and unknown ids change nothing; history shows it")
    func merge() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        let environment = try CustomerErasureTests.shop(crm)
        func run(_ arguments: String...) throws -> CRMProcess.Result { try crm.run(arguments, environment: environment) }
        func sql(_ query: String) throws -> String { try CustomerErasureTests.sql(crm, query) }
        #expect(try run("field", "set", "267", "nickname", "Linda J").status == 0)
        #expect(try run("field", "set", "72", "newsletter", "false").status == 0)
        let ordersBefore = try sql("SELECT count(*) FROM orders")
        let dry = try run("customer", "merge", "72", "267", "--dry-run")
        #expect(dry.stdout.hasPrefix("would merge customer 267 into 72: orders 95, interactions 3"), "\(dry.stdout)")
        #expect(try run("customer", "show", "267").status == 0)
        #expect(try run("customer", "merge", "72", "72").stderr.contains("cannot be merged with itself"))
        #expect(try run("customer", "merge", "72", "nosuch").stderr.contains("no customer with id \"nosuch\""))
        let merged = try run("customer", "merge", "72", "267", "--prefer", "keep")
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(try sql("SELECT count(*) FROM orders") == ordersBefore)
        #expect(try sql("SELECT count(*) FROM orders o JOIN customers c ON c.pk = o.customer_pk WHERE c.id = '72'") == "130")
        #expect(try run("customer", "show", "267").status != 0)
        #expect(try run("field", "get", "72", "nickname").stdout.contains("Ahmed K"))
        #expect(try run("field", "get", "72", "newsletter").stdout.contains("false"))
        for table in ["customer_fields", "orders", "interactions", "customer_activity", "memberships", "transitions", "scores",
                      "follow_ups", "tasks", "customer_tags", "outbox", "contact_blocks", "job_effects", "customer_merges"] {
            #expect(try sql("SELECT count(*) FROM \(table) WHERE customer_pk NOT IN (SELECT pk FROM customers)") == "0", "\(table)")
        }
        #expect(try sql("PRAGMA foreign_key_check") == "")
        let history = try run("segment", "history", "72", "--format", "csv").stdout
        #expect(history.contains(",(merge),customer 267,merged into 72,"), "\(history)")
        let next = try run("segment", "run", "rfm", "--as-of", "2025-01-02")
        #expect(next.status == 0, "\(next.stderr)")
        let member = try run("segment", "members", "rfm", "--format", "csv").stdout.split(separator: "\n").first { $0.hasPrefix("72,") }
        #expect(member?.contains("130 orders") == true, "\(member ?? "")")
    }

    @Test("--prefer duplicate takes the duplicate's value of a field both have")
    func preferDuplicate() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        let environment = try CustomerErasureTests.shop(crm)
        #expect(try crm.run(["field", "set", "267", "nickname", "Linda J"], environment: environment).status == 0)
        #expect(try crm.run(["customer", "merge", "72", "267", "--prefer", "duplicate"], environment: environment).stdout.contains("fields taken from the duplicate"))
        #expect(try crm.run(["field", "get", "72", "nickname"], environment: environment).stdout.contains("Linda J"))
    }

    @Test("SIGKILL during a delete or a merge leaves the database as before or after, never between")
    func killed() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        var customers = "id,name\n"
        for id in 1...3 { customers += "\(id),Customer \(id)\n" }
        var orders = "id,customer_id,ordered_at,amount\n"
        for id in 1...120_000 { orders += "\(id),\(id % 2 == 0 ? 1 : 2),2024-01-01T00:00:00Z,1.00\n" }
        try crm.write("customers.csv", customers)
        try crm.write("orders.csv", orders)
        let template = crm.path("template.sqlite")
        #expect(try crm.run("init", "--db", template).status == 0)
        #expect(try crm.run("import", "customers", crm.path("customers.csv"), "--db", template).status == 0)
        #expect(try crm.run("import", "orders", crm.path("orders.csv"), "--db", template).status == 0)
        _ = try crm.run("segment", "list", "--db", template, "--plugins", FollowUpProcessTests.repository + "/plugins")
        for (index, delay) in [0.05, 0.15, 0.3, 0.6].enumerated() {
            for command in [["customer", "delete", "1", "--yes"], ["customer", "merge", "1", "2"]] {
                let db = crm.path("killed-\(index)-\(command[1]).sqlite")
                try FileManager.default.copyItem(atPath: template, toPath: db)
                let (process, _, _) = try crm.start(command + ["--db", db])
                Thread.sleep(forTimeInterval: delay)
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                let state = try crm.run("customer", "list", "--format", "csv", "--db", db, "--plugins", FollowUpProcessTests.repository + "/plugins").stdout
                let ids = state.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[0]) }
                let counts = try crm.run("export", "orders", "--db", db, "--plugins", FollowUpProcessTests.repository + "/plugins").stdout
                    .split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[1]) }
                let byCustomer = Dictionary(grouping: counts, by: { $0 }).mapValues(\.count)
                if command[1] == "delete" {
                    // Before: customer 1 with its 60,000 orders; after: neither.
                    #expect((ids.contains("1") && byCustomer["1"] == 60_000) || (!ids.contains("1") && byCustomer["1"] == nil), "\(ids) \(byCustomer)")
                    #expect(byCustomer["2"] == 60_000)
                } else {
                    // Before: 60,000 orders each; after: customer 2 gone and customer 1 holds all 120,000.
                    let before = ids.contains("2") && byCustomer["1"] == 60_000 && byCustomer["2"] == 60_000
                    let after = !ids.contains("2") && byCustomer["1"] == 120_000
                    #expect(before || after, "\(ids) \(byCustomer)")
                }
            }
        }
    }
}

@Suite("Imports that do not erase by accident")
struct ImportEmptyCellTests {
    @Test("an empty cell leaves the stored value alone; --clear-empty clears it; an absent column is never touched")
    func emptyCells() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        let environment = try CustomerErasureTests.shop(crm)
        func run(_ arguments: String...) throws -> CRMProcess.Result { try crm.run(arguments, environment: environment) }
        func show(_ id: String) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(run("customer", "data", id).stdout.utf8)) as? [String: Any])
        }
        let before = try show("72")
        let partial = try crm.write("partial.csv", "id,email,city,nickname,tags\n72,,,,\n")
        #expect(try run("import", "customers", partial).status == 0)
        let kept = try show("72")
        #expect((kept["customer"] as? [String: Any])?["email"] as? String == "ahmed.kowalski72@example.org")
        #expect((kept["customer"] as? [String: Any])?["city"] as? String == "Singapore")
        #expect((kept["fields"] as? [String: Any])?["nickname"] as? String == "Ahmed K")
        #expect((kept["tags"] as? [String]) == (before["tags"] as? [String]) && (kept["tags"] as? [String])?.isEmpty == false)
        let cleared = try run("import", "customers", partial, "--clear-empty")
        #expect(cleared.status == 0, "\(cleared.stderr)")
        let after = try show("72")
        let customer = try #require(after["customer"] as? [String: Any])
        #expect(customer["email"] is NSNull && customer["city"] is NSNull)
        #expect(customer["name"] as? String == "Ahmed Kowalski")  // not a column of the file
        #expect((after["fields"] as? [String: Any])?["nickname"] == nil)
        #expect((after["tags"] as? [String])?.isEmpty == true)
        #expect(try run("import", "--help").stdout.contains("--clear-empty"))
    }
}
