import Foundation
import Testing

/// `crm task`, `crm customer contact`, `crm import contacts` and tags in import and export.
@Suite("Tasks, tags and contacts from the command line")
struct FollowUpCommandTests {
    static let repository = FollowUpProcessTests.repository

    @Test("tasks from the playbooks: listed by owner, shown, done with a note, reopened, and in customer show")
    func tasks() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        let db = try FollowUpProcessTests.outboxDatabase(crm)
        let list = try crm.run("task", "list", "--open", "--owner", "sales-team", "--format", "json", "--db", db)
        let tasks = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(!tasks.isEmpty && tasks.allSatisfy { $0["owner"] as? String == "sales-team" && $0["status"] as? String == "open" })
        let first = try #require(tasks.first)
        let id = String(try #require(first["id"] as? Int))
        let customer = try #require(first["customer_id"] as? String)
        #expect(try crm.run("customer", "show", customer, "--db", db, "--plugins", Self.repository + "/plugins").stdout.contains("task \(id)"))
        let done = try crm.run("task", "done", id, "--note", "called, all good", "--db", db)
        #expect(done.status == 0 && done.stdout.contains("task \(id) done"))
        let shown = try crm.run("task", "show", id, "--db", db).stdout
        #expect(shown.contains("called, all good") && shown.contains("done"))
        let open = try crm.run("task", "list", "--open", "--customer", customer, "--format", "csv", "--db", db).stdout
        #expect(!open.split(separator: "\n").contains { $0.hasPrefix("\(id),") })
        #expect(try crm.run("task", "reopen", id, "--db", db).stdout.contains("task \(id) open"))
        let missing = try crm.run("task", "done", "999999", "--db", db)
        #expect(missing.status != 0 && missing.stderr.contains("no task with id 999999"))
    }

    @Test("tags go out with export customers and come back with import; bad tags are refused by line and column")
    func tagsRoundTrip() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        let db = try FollowUpProcessTests.outboxDatabase(crm)
        let plugins = ["--plugins", Self.repository + "/plugins"]
        let exported = try crm.run(["export", "customers", "--db", db] + plugins).stdout
        let header = exported.split(separator: "\n")[0]
        #expect(header.hasSuffix(",tags"))
        #expect(exported.contains("win-back") && exported.contains("vip"))
        let file = try crm.write("tags.csv", "id,tags\n1,\"gold,newsletter\"\n2,\n")
        #expect(try crm.run(["import", "customers", file, "--db", db] + plugins).status == 0)
        let one = try crm.run("customer", "show", "1", "--format", "json", "--db", db).stdout
        let tags = (try JSONSerialization.jsonObject(with: Data(one.utf8)) as? [String: Any])?["tags"] as? [String]
        #expect(tags == ["gold", "newsletter"])
        let tagged = try crm.run(["customer", "list", "--where", "tag.newsletter and not tag.win-back", "--format", "csv", "--db", db] + plugins)
        #expect(tagged.stdout.split(separator: "\n").map { $0.split(separator: ",").first.map(String.init) ?? "" } == ["id", "1"], "\(tagged.stdout)\(tagged.stderr)")
        let winBack = try crm.run(["customer", "list", "--where", "tag.win-back", "--format", "csv", "--db", db] + plugins).stdout
        #expect(winBack.split(separator: "\n").count - 1 == exported.split(separator: "\n").filter { $0.contains("win-back") }.count)
        let bad = try crm.write("bad.csv", "id,tags\n1,\"a,,b\"\n2,\" spaced\"\n")
        let refused = try crm.run(["import", "customers", bad, "--db", db] + plugins)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("bad.csv:2: column 'tags'") && refused.stderr.contains("bad.csv:3: column 'tags'"), "\(refused.stderr)")
        let after = try crm.run("customer", "show", "1", "--format", "json", "--db", db).stdout
        #expect((try JSONSerialization.jsonObject(with: Data(after.utf8)) as? [String: Any])?["tags"] as? [String] == ["gold", "newsletter"])
    }

    @Test("do-not-contact records by command and from a CSV file; a bad file changes nothing")
    func contacts() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        let db = crm.path("shop.sqlite")
        #expect(try crm.run("init", "--db", db).status == 0)
        #expect(try crm.run("import", "customers", Self.repository + "/examples/customers.csv", "--db", db).status == 0)
        let blocked = try crm.run("customer", "contact", "5", "--channel", "email", "--block", "--reason", "bounced", "--db", db)
        #expect(blocked.status == 0 && blocked.stdout.contains("bounced"))
        #expect(try crm.run("customer", "contact", "5", "--channel", "email", "--block", "--db", db).stderr.contains("--block needs --reason"))
        let bad = try crm.write("bad.csv", "customer_id,channel,status,reason\n6,email,blocked,opted_out\nnope,email,blocked,x\n7,sms,maybe,\n")
        let refused = try crm.run("import", "contacts", bad, "--db", db)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("bad.csv:3: column 'customer_id': no customer with id \"nope\""), "\(refused.stderr)")
        #expect(refused.stderr.contains("bad.csv:4: column 'status'"))
        #expect(!refused.stderr.contains("--skip-invalid"))
        #expect(!(try crm.run("customer", "contact", "6", "--db", db).stdout.contains("opted_out")))
        let good = try crm.write("good.csv", "customer_id,channel,status,reason,changed_at\n6,email,blocked,complained,2024-05-01\n5,email,allowed,,\n")
        let imported = try crm.run("import", "contacts", good, "--db", db)
        #expect(imported.stdout.contains("1 channels blocked, 1 allowed"), "\(imported.stdout)\(imported.stderr)")
        #expect(try crm.run("customer", "contact", "6", "--format", "csv", "--db", db).stdout.contains("email,complained,2024-05-01T00:00:00Z"))
        #expect(try crm.run("customer", "contact", "5", "--format", "csv", "--db", db).stdout == "channel,reason,blocked_at\n")
    }
}

/// `examples/plugins/public_pool.lua`: fields, an action and a job working together.
@Suite("The public pool example")
struct PublicPoolTests {
    @Test("new VIPs get an owner; an owner idle for 30 days loses the customer to the pool and gets a task, once")
    func publicPool() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        let repository = FollowUpProcessTests.repository
        let environment = ["CRM_DB": crm.path("pool.sqlite"), "CRM_PLUGINS": "\(repository)/plugins:\(repository)/examples/plugins"]
        func run(_ arguments: String...) throws -> CRMProcess.Result { try crm.run(arguments, environment: environment) }
        #expect(try run("init").status == 0)
        for kind in ["customers", "orders", "interactions"] {
            #expect(try run("import", kind, "\(repository)/examples/\(kind).csv").status == 0)
        }
        let segments = try run("segment", "run", "--as-of", "2025-01-01")
        #expect(segments.stdout.contains("assign_new_vip     31 applied"), "\(segments.stdout)")
        #expect(try run("field", "get", "267", "owner").stdout.contains("key-accounts"))
        for (customer, owner, since) in [("2", "Ann Lee", "2024-10-01"), ("5", "Bo Chen", "2024-12-20")] {
            #expect(try run("field", "set", customer, "owner", owner).status == 0)
            #expect(try run("field", "set", customer, "owner_since", since).status == 0)
        }
        // Ann Lee has had customer 2 for 93 days without a task done; Bo Chen took customer 5 13 days ago.
        let job = try run("job", "run", "return_to_pool", "--as-of", "2025-01-02T06:00:00Z")
        #expect(job.status == 0, "\(job.stderr)")
        #expect(job.stderr.contains("went back to the pool"))
        let cleared = try run("field", "get", "2", "owner", "--format", "csv").stdout
        #expect(cleared == "field,value,source\nowner,,none\n", "\(cleared)")
        #expect(try run("field", "get", "5", "owner").stdout.contains("Bo Chen"))
        let tasks = try run("task", "list", "--owner", "Ann Lee", "--format", "csv").stdout
        #expect(tasks.contains("Back to the pool: customer 2"))
        let again = try run("job", "run", "return_to_pool", "--as-of", "2025-01-02T06:00:00Z")
        #expect(again.status != 0)
        #expect(try run("task", "list", "--owner", "Ann Lee", "--format", "csv").stdout.split(separator: "\n").count == 2)
    }
}

@Suite("A job catching up an older slot")
struct JobCatchUpTests {
    @Test("a segmentation already run as of a later instant is skipped by the job, not refused, and keeps its memberships")
    func skipsNewerSegmentations() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        let repository = FollowUpProcessTests.repository
        let environment = ["CRM_DB": crm.path("shop.sqlite"), "CRM_PLUGINS": "\(repository)/plugins"]
        func run(_ arguments: String...) throws -> CRMProcess.Result { try crm.run(arguments, environment: environment) }
        #expect(try run("init").status == 0)
        for kind in ["customers", "orders", "interactions"] {
            #expect(try run("import", kind, "\(repository)/examples/\(kind).csv").status == 0)
        }
        #expect(try run("segment", "run", "rfm", "--as-of", "2025-06-01").status == 0)
        let before = try run("segment", "members", "rfm", "--format", "csv").stdout
        let job = try run("job", "run", "nightly", "--as-of", "2025-01-02T02:30:00Z")
        #expect(job.status == 0, "\(job.stderr)")
        #expect(job.stderr.contains("segmentation rfm skipped: it already ran as of a later instant"))
        #expect(job.stderr.contains("nightly run done: 7 segmentations"))
        #expect(try run("segment", "members", "rfm", "--format", "csv").stdout == before)
    }
}
