import Foundation
import Testing

/// Follow-ups and the outbox with real `crm` processes on one database file.
@Suite("Follow-ups and the outbox with real processes", .serialized)
struct FollowUpProcessTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let asOf = "2025-01-01T00:00:00Z"

    /// A database of `customers` generated customers, imported; returns its path.
    static func database(_ crm: CRMProcess, name: String, customers: Int) throws -> String {
        let data = crm.path("data")
        if !FileManager.default.fileExists(atPath: data + "/customers.csv") {
            try #require(try crm.run("generate", "--customers", String(customers), "--seed", "11", "--out", data).status == 0)
        }
        let db = crm.path(name)
        try #require(try crm.run("init", "--db", db).status == 0)
        for kind in ["customers", "orders", "interactions"] {
            let result = try crm.run("import", kind, data + "/\(kind).csv", "--db", db, "--plugins", repository + "/plugins")
            try #require(result.status == 0, "\(result.stderr)")
        }
        return db
    }

    static func segmentRun(_ db: String) -> [String] {
        ["segment", "run", "--as-of", asOf, "--db", db, "--plugins", repository + "/plugins"]
    }

    /// Every task and message, as sorted lines, to compare databases.
    static func effects(_ crm: CRMProcess, _ db: String) throws -> [String] {
        let tasks = try crm.run("task", "list", "--format", "csv", "--db", db).stdout.split(separator: "\n").dropFirst()
            .map { line in line.split(separator: ",", omittingEmptySubsequences: false).dropFirst().joined(separator: ",") }
        let messages = try crm.run("outbox", "list", "--format", "csv", "--db", db).stdout.split(separator: "\n").dropFirst()
            .map { line in String(line.split(separator: ",", omittingEmptySubsequences: false).last ?? "") }
        return (tasks.map { "task " + $0 } + messages.map { "message " + $0 }).sorted()
    }

    @Test("crm segment run killed with SIGKILL at several points, then run again: every task and message exactly once")
    func killedRuns() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        let clean = try Self.database(crm, name: "clean.sqlite", customers: 2000)
        try #require(try crm.run(Self.segmentRun(clean)).status == 0)
        let expected = try Self.effects(crm, clean)
        #expect(expected.count > 100)
        for delay in [0.05, 0.2, 0.4, 0.7, 1.0] {
            let db = try Self.database(crm, name: "killed-\(delay).sqlite", customers: 2000)
            let (process, _, _) = try crm.start(Self.segmentRun(db))
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let again = try crm.run(Self.segmentRun(db))
            #expect(again.status == 0, "\(again.stderr)")
            #expect(try Self.effects(crm, db) == expected, "killed after \(delay) s")
            #expect(try crm.run(Self.segmentRun(db)).status == 0)
            #expect(try Self.effects(crm, db) == expected, "a third run after the kill at \(delay) s")
        }
    }

    @Test("two crm segment run processes at once: the same transitions, tasks and messages as one clean run")
    func racingRuns() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        let clean = try Self.database(crm, name: "clean.sqlite", customers: 2000)
        try #require(try crm.run(Self.segmentRun(clean)).status == 0)
        let raced = try Self.database(crm, name: "raced.sqlite", customers: 2000)
        let first = try crm.start(Self.segmentRun(raced))
        let second = try crm.start(Self.segmentRun(raced))
        for (process, _, err) in [first, second] {
            let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(errors)")
        }
        #expect(try Self.effects(crm, raced) == Self.effects(crm, clean))
        for customer in ["1", "17", "250"] {
            let history = { (db: String) in try crm.run("segment", "history", customer, "--format", "csv", "--db", db).stdout }
            #expect(try history(raced).split(separator: "\n").count == history(clean).split(separator: "\n").count)
        }
    }

    /// A database with the example customers and one message per customer in `customers` (rfm's win-back).
    static func outboxDatabase(_ crm: CRMProcess) throws -> String {
        let db = crm.path("shop.sqlite")
        try #require(try crm.run("init", "--db", db).status == 0)
        for kind in ["customers", "orders", "interactions"] {
            try #require(try crm.run("import", kind, repository + "/examples/\(kind).csv", "--db", db, "--plugins", repository + "/plugins").status == 0)
        }
        try #require(try crm.run(segmentRun(db)).status == 0)
        return db
    }

    static func count(_ crm: CRMProcess, _ db: String, status: String) throws -> Int {
        try crm.run("outbox", "list", "--status", status, "--format", "csv", "--db", db).stdout.split(separator: "\n").count - 1
    }

    @Test("a failing command adapter leaves messages to retry with their error; a later send delivers each once")
    func failingAdapter() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        let db = try Self.outboxDatabase(crm)
        let pending = try Self.count(crm, db, status: "pending")
        #expect(pending > 10)
        let failed = try crm.run("outbox", "send", "--command", "cat >/dev/null; echo 'smtp down' >&2; exit 3", "--limit", "5",
                                 "--now", "2025-01-01T10:00:00Z", "--db", db)
        #expect(failed.status != 0)
        #expect(failed.stderr.contains("exited with status 3: smtp down"), "\(failed.stderr)")
        let list = try crm.run("outbox", "list", "--status", "failed", "--format", "json", "--db", db).stdout
        let messages = try #require(try JSONSerialization.jsonObject(with: Data(list.utf8)) as? [[String: Any]])
        #expect(messages.count == 5)
        #expect(messages.allSatisfy { ($0["attempts"] as? Int) == 1 && ($0["last_error"] as? String)?.contains("smtp down") == true })
        #expect(messages.allSatisfy { ($0["next_attempt_at"] as? String) == "2025-01-01T10:01:00Z" })
        // Before the backoff ends nothing failed is tried again; after it, every message is delivered once.
        let out = crm.path("delivered.jsonl")
        let script = try crm.write("deliver.sh", "#!/bin/sh\ncat >> \(out)\n")
        chmod(script, 0o755)
        let sent = try crm.run("outbox", "send", "--command", script, "--now", "2025-01-01T10:05:00Z", "--db", db)
        #expect(sent.status == 0, "\(sent.stderr)")
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        let keys = try lines.map { line in
            try #require((try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["key"] as? String)
        }
        #expect(keys.count == pending && Set(keys).count == pending)
        #expect(try Self.count(crm, db, status: "sent") == pending)
        #expect(try crm.run("outbox", "send", "--jsonl", out, "--now", "2025-01-02T10:00:00Z", "--db", db).stdout.hasPrefix("sent 0,"))
    }

    @Test("two outbox senders at once deliver every message once")
    func concurrentSenders() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        let db = try Self.outboxDatabase(crm)
        let pending = try Self.count(crm, db, status: "pending")
        let out = crm.path("out.jsonl")
        let senders = try (0..<2).map { _ in
            try crm.start(["outbox", "send", "--command", "sleep 0.01; cat >> \(out)", "--limit", "10000", "--db", db])
        }
        for (process, _, _) in senders { process.waitUntilExit(); #expect(process.terminationStatus == 0) }
        let keys = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map { line in
            ((try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["key"] as? String) ?? ""
        }
        #expect(keys.count == pending && Set(keys).count == pending)
    }

    @Test("a blocked channel, a daily cap and quiet hours stop or hold exactly the messages they should")
    func deliveryRules() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        let db = try Self.outboxDatabase(crm)
        let list = try crm.run("outbox", "list", "--format", "json", "--db", db).stdout
        let messages = try #require(try JSONSerialization.jsonObject(with: Data(list.utf8)) as? [[String: Any]])
        let byCustomer = Dictionary(grouping: messages) { $0["customer_id"] as? String ?? "" }
        let twice = try #require(byCustomer.first { $0.value.count >= 2 }?.key)
        let blocked = try #require(byCustomer.keys.sorted().first { $0 != twice })
        #expect(try crm.run("customer", "contact", blocked, "--channel", "email", "--block", "--reason", "opted_out", "--db", db).status == 0)
        #expect(try crm.run("outbox", "config", "--daily-cap", "1", "--quiet-hours", "21:00-08:00", "--timezone", "Europe/Berlin", "--db", db).status == 0)
        let out = crm.path("out.jsonl")
        // 21:30 UTC is 22:30 in Berlin: everything is held until 08:00 Berlin (07:00 UTC).
        let night = try crm.run("outbox", "send", "--jsonl", out, "--now", "2025-01-06T21:30:00Z", "--db", db)
        let blockedCount = byCustomer[blocked]?.count ?? 0
        #expect(night.stdout.contains("sent 0,") && night.stdout.contains("suppressed \(blockedCount),"), "\(night.stdout)")
        #expect(!FileManager.default.fileExists(atPath: out))
        let heldList = try crm.run("outbox", "list", "--status", "pending", "--format", "json", "--db", db).stdout
        let held = try #require(try JSONSerialization.jsonObject(with: Data(heldList.utf8)) as? [[String: Any]])
        #expect(held.allSatisfy { ($0["next_attempt_at"] as? String) == "2025-01-07T07:00:00Z" && ($0["note"] as? String)?.contains("quiet hours") == true })
        let morning = try crm.run("outbox", "send", "--jsonl", out, "--now", "2025-01-07T07:00:00Z", "--db", db)
        #expect(morning.status == 0, "\(morning.stderr)")
        let sentTo = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map { line in
            (((try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["customer"] as? [String: Any])?["id"] as? String) ?? ""
        }
        #expect(!sentTo.contains(blocked))
        #expect(sentTo.filter { $0 == twice }.count == 1)
        #expect(sentTo.count == Set(sentTo).count && sentTo.count == byCustomer.count - 1)
        let capped = try crm.run("outbox", "list", "--status", "capped", "--format", "json", "--db", db).stdout
        let cappedMessages = try #require(try JSONSerialization.jsonObject(with: Data(capped.utf8)) as? [[String: Any]])
        #expect(cappedMessages.count == messages.count - blockedCount - (byCustomer.count - 1))
        #expect(cappedMessages.allSatisfy { ($0["note"] as? String)?.contains("the cap is 1") == true })
        let suppressed = try crm.run("outbox", "list", "--status", "suppressed", "--format", "json", "--db", db).stdout
        #expect(suppressed.contains("email blocked (opted_out)"))
    }
}
