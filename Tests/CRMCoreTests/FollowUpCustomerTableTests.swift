import Foundation
import GRDB
import Testing

@testable import CRMCore

/// An action's `c` holds only the fields its plugin's source mentions and fetches the others
/// when read; follow-ups and their effects are written many rows per statement. These tests
/// fail if either shortcut changed what an action sees or what a run writes.
@Suite("Follow-up actions: the customer table and batched writes")
struct FollowUpCustomerTableTests {
    /// A plugin that declares a custom field the action's plugin never names.
    static let nicknames = """
        return { name = "nicknames", version = "1.0.0", description = "a field declared elsewhere",
          fields = { nickname = { type = "string" } } }
        """

    @Test("a field the plugin's source never names, reached through a computed key, has its value")
    func fieldThroughComputedKey() throws {
        let scenario = try FollowUpScenario(
            actions: """
                    call = { segmentation = "state", enter = "Hot",
                      run = function(c)
                        local key = "nick" .. "name"
                        return { { kind = "task", title = tostring(c[key]) .. " " .. tostring(c["order" .. "_count"]) } }
                      end },
                """, otherPlugins: ["nicknames.lua": Self.nicknames])
        let fields = CustomFields(database: scenario.database, catalog: scenario.catalog)
        _ = try fields.set(customerID: "1", name: "nickname", text: "Bo")
        try scenario.set("1", "Hot")
        try scenario.set("2", "Hot")
        let summary = try scenario.run("2025-01-01")
        #expect(summary.count(.applied) == 2, "\(summary.firings.map { $0.detail ?? "" })")
        #expect(try scenario.database.tasks().map(\.title).sorted() == ["Bo 0", "nil 0"])
    }

    @Test("pairs(c) sees every field, c.segments and c.tags; c.segments is one table for the call")
    func pairsAndSegments() throws {
        let scenario = try FollowUpScenario(
            actions: """
                    call = { segmentation = "state", enter = "Hot",
                      when = function(c) return c["seg" .. "ments"].state == "Hot" end,
                      run = function(c)
                        local seen = {}
                        for key, value in pairs(c) do seen[#seen + 1] = key end
                        table.sort(seen)
                        c.segments.extra = "kept"
                        local kept = c.segments.extra
                        return { { kind = "task", title = kept .. " " .. tostring(c.tags.old),
                                   body = table.concat(seen, ",") } }
                      end },
                """, otherPlugins: ["nicknames.lua": Self.nicknames])
        _ = try CustomFields(database: scenario.database, catalog: scenario.catalog).set(customerID: "1", name: "nickname", text: "Bo")
        try scenario.database.write { db in try FollowUpStore.replaceTags(db, customerID: "1", tags: ["old"]) }
        try scenario.set("1", "Hot")
        #expect(try scenario.run("2025-01-01").count(.applied) == 1)
        let task = try #require(try scenario.database.tasks().first)
        #expect(task.title == "kept true")
        let keys = Set((task.body ?? "").split(separator: ",").map(String.init))
        for key in ["nickname", "order_count", "segments", "tags", "state", "id"] {
            #expect(keys.contains(key), "pairs(c) misses \(key): \(task.body ?? "")")
        }
        // nil fields are absent, as before: a customer without orders has no recency.
        #expect(!keys.contains("recency_days"))
    }

    @Test("an action that returns c itself in message data sends the whole profile, as when c held every field")
    func returnsTheCustomer() throws {
        let scenario = try FollowUpScenario(
            actions: """
                    send = { segmentation = "state", enter = "Hot",
                      run = function(c)
                        return { { kind = "message", channel = "email", template = "all", data = { who = c } } }
                      end },
                """, otherPlugins: ["nicknames.lua": Self.nicknames])
        _ = try CustomFields(database: scenario.database, catalog: scenario.catalog).set(customerID: "1", name: "nickname", text: "Bo")
        try scenario.set("1", "Hot")
        let summary = try scenario.run("2025-01-01")
        #expect(summary.count(.applied) == 1, "\(summary.firings.map { $0.detail ?? "" })")
        let data = try #require(try scenario.database.outbox().first?.data)
        for part in ["\"nickname\":\"Bo\"", "\"order_count\":0", "\"id\":\"1\"", "\"segments\":{\"state\":\"Hot\"}", "\"tags\":{}"] {
            #expect(data.contains(part), "\(data) lacks \(part)")
        }
    }

    @Test("a failing action still names its plugin file and the line of the error, in when and in run")
    func failureNamesTheLine() throws {
        let scenario = try FollowUpScenario(actions: """
                    broken_when = { segmentation = "state", enter = "Hot",
                      when = function(c)
                        return c.order_count + c["no" .. "thing"] > 0
                      end,
                      run = function() return {} end },
                    broken_run = { segmentation = "state", enter = "Hot",
                      run = function(c)
                        error("the CRM is down for " .. c.id)
                      end },
                """)
        try scenario.set("1", "Hot")
        let summary = try scenario.run("2025-01-01")
        let source = try String(contentsOfFile: scenario.plugins + "/flow.lua", encoding: .utf8).components(separatedBy: "\n")
        let whenLine = try #require(source.firstIndex { $0.contains("c[\"no\" .. \"thing\"]") }) + 1
        let runLine = try #require(source.firstIndex { $0.contains("the CRM is down") }) + 1
        let failures = Dictionary(uniqueKeysWithValues: summary.firings.filter { $0.outcome == .failed }.map { ($0.action, $0.detail ?? "") })
        #expect(failures["broken_when"]?.hasPrefix("\(scenario.plugins)/flow.lua:\(whenLine): action 'broken_when': customer 1: ") == true,
                "\(failures)")
        #expect(failures["broken_when"]?.contains("attempt to perform arithmetic on a nil value") == true, "\(failures)")
        #expect(failures["broken_run"]?.hasPrefix("\(scenario.plugins)/flow.lua:\(runLine): action 'broken_run': customer 1: ") == true,
                "\(failures)")
        #expect(failures["broken_run"]?.hasSuffix("the CRM is down for 1") == true, "\(failures)")
    }

    @Test("250 firings written 100 rows per statement: every row, in order, each effect pointing at its follow-up")
    func batchedWrites() throws {
        let scenario = try FollowUpScenario(
            customers: 250,
            actions: """
                    call = { segmentation = "state", enter = "Hot",
                      run = function(c)
                        return { { kind = "task", title = "Call " .. c.id },
                                 { kind = "task", title = "Again " .. c.id },
                                 { kind = "tag", tag = "gone" }, { kind = "untag", tag = "gone" },
                                 { kind = "untag", tag = "hot" }, { kind = "tag", tag = "hot" },
                                 { kind = "message", channel = "email", template = "hello", data = { id = c.id } },
                                 { kind = "message", channel = "sms", template = "hello", data = { id = c.id } } }
                      end },
                """)
        _ = try scenario.database.setContact(customerID: "7", channel: "sms", blockedReason: "asked", at: try Timestamp.parse("2024-12-01"))
        for id in 1...250 { try scenario.set("\(id)", "Hot") }
        let summary = try scenario.run("2025-01-01")
        #expect(summary.count(.applied) == 250)
        #expect(try scenario.count("follow_ups") == 250)
        #expect(try scenario.count("tasks") == 500 && scenario.count("outbox") == 500)
        try scenario.database.read { db in
            // Ids in the order the firings happened, as one-row inserts would give them.
            let followUps = try Row.fetchAll(db, sql: "SELECT f.id, c.id FROM follow_ups f JOIN customers c ON c.pk = f.customer_pk ORDER BY f.id")
            #expect(followUps.map { $0[0] as Int64 } == Array(1...250))
            #expect(followUps.map { $0[1] as String } == summary.firings.map(\.customerID))
            // Every effect belongs to the follow-up of its own customer.
            for table in ["tasks", "outbox", "customer_tags"] {
                let wrong = try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM \(table) t LEFT JOIN follow_ups f ON f.id = t.follow_up_id WHERE f.customer_pk IS NOT t.customer_pk")
                #expect(wrong == 0, "\(table)")
            }
            let titles = try String.fetchAll(db, sql: "SELECT title FROM tasks ORDER BY id")
            #expect(titles == summary.firings.flatMap { ["Call \($0.customerID)", "Again \($0.customerID)"] })
            #expect(try String.fetchAll(db, sql: "SELECT DISTINCT tag FROM customer_tags") == ["hot"])
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM customer_tags") == 250)
            let suppressed = try Row.fetchAll(
                db, sql: "SELECT c.id, o.note FROM outbox o JOIN customers c ON c.pk = o.customer_pk WHERE o.status = 'suppressed'")
            #expect(suppressed.map { $0[0] as String } == ["7"])
            #expect(suppressed.first.map { $0[1] as String? } == "suppressed: sms blocked (asked)")
            let keys = try String.fetchAll(db, sql: "SELECT key FROM outbox ORDER BY id")
            #expect(keys.count == Set(keys).count)
        }
        #expect(try scenario.run("2025-01-01").firings.isEmpty)
    }
}
