import Foundation
import GRDB
import Testing

@testable import CRMCore

/// A database of `count` customers whose segment in `state` is their custom field `state`,
/// with follow-up actions from `actions` (Lua source of the actions table).
struct FollowUpScenario {
    let sandbox: Sandbox
    let database: CRMDatabase
    let plugins: String

    init(
        customers count: Int = 3, actions: String, permissions: String = "\"tasks\", \"tags\", \"messages\", \"fields\"", params: String = "",
        otherPlugins: [String: String] = [:]
    ) throws {
        sandbox = try Sandbox()
        database = try sandbox.database()
        var csv = "id,name,email,state\n"
        for id in 1...count { csv += "\(id),Customer \(id),c\(id)@example.org,Cold\n" }
        let plugin = """
            return {
              name = "flow", version = "1.0.0", description = "segments from a field, with actions",
              permissions = { \(permissions) },
              params = { \(params) },
              fields = { state = { type = "enum", values = { "Cold", "Warm", "Hot" } }, note = { type = "string" } },
              segmentations = {
                state = { segments = { "Cold", "Warm", "Hot" }, classify = function(c) return c.state or "Cold" end },
              },
              actions = {
            \(actions)
              },
            }
            """
        plugins = try Plugins.folder(in: sandbox, otherPlugins.merging(["flow.lua": plugin]) { _, flow in flow })
        _ = try Importer(database: database).importFile(.customers, path: try sandbox.file("customers.csv", csv), customFields: PluginCatalog.load(directories: [plugins]).fields)
    }

    var catalog: PluginCatalog { PluginCatalog.load(directories: [plugins]) }

    func set(_ customer: String, _ state: String) throws {
        _ = try CustomFields(database: database, catalog: catalog).set(customerID: customer, name: "state", text: state)
    }

    @discardableResult
    func run(_ date: String) throws -> FollowUpSummary {
        var summary = FollowUpSummary()
        let catalog = self.catalog
        #expect(catalog.failures.isEmpty, "\(catalog.failures)")
        let results = try SegmentationEngine(database: database, catalog: catalog).run([], asOf: try Timestamp.parse(date)) { progress in
            if case .followUps(let fired) = progress { summary = fired }
        }
        for case .failure(let error) in results { Issue.record("\(error)") }
        return summary
    }

    func count(_ table: String) throws -> Int {
        try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0 }
    }
}

@Suite("Follow-up actions")
struct FollowUpTests {
    static let callOnHot = """
            call = { segmentation = "state", enter = "Hot",
              run = function(c, p, event)
                return { { kind = "task", title = "Call " .. c.id, owner = "ann", due_in_days = 2 },
                         { kind = "tag", tag = "hot" },
                         { kind = "message", channel = "email", template = "hello", data = { from = event.from or "none" } } }
              end },
        """

    @Test("the same as-of twice: the second run creates nothing")
    func sameAsOfTwice() throws {
        let scenario = try FollowUpScenario(actions: Self.callOnHot)
        try scenario.set("1", "Hot")
        try scenario.set("2", "Hot")
        let first = try scenario.run("2025-01-01")
        #expect(first.count(.applied) == 2)
        // A run reports each effect's kind (a dry run lists the effects, see `dryRun`).
        #expect(first.firings.map(\.effects) == [["task", "tag", "message"], ["task", "tag", "message"]])
        #expect(first.effectCounts.map { "\($0.count) \($0.kind)" } == ["2 message", "2 tag", "2 task"])
        let second = try scenario.run("2025-01-01")
        #expect(second.firings.isEmpty)
        #expect(try scenario.count("tasks") == 2)
        #expect(try scenario.count("outbox") == 2)
        let task = try #require(try scenario.database.tasks(matching: .init(customerID: "1")).first)
        #expect(task.title == "Call 1" && task.owner == "ann" && task.dueDate == "2025-01-03")
        #expect(try scenario.database.tags(customerID: "2") == ["hot"])
    }

    @Test("event holds kind, segmentation, segment, from, to and as_of; each firing gets a fresh c and event, and p")
    func eventAndFreshTables() throws {
        let scenario = try FollowUpScenario(
            actions: """
                    seen = { segmentation = "state", enter = "Hot", reentry = "every_time",
                      run = function(c, p, event)
                        local fresh = rawget(c, "marked") == nil and event.marked == nil
                        c.marked, event.marked = true, true
                        return { { kind = "task", title = table.concat({ event.kind, event.segmentation, event.segment,
                          event.from or "-", event.to or "-", event.as_of, tostring(event.days), c.id, p.owner,
                          tostring(fresh) }, " ") } }
                      end },
                    gone = { segmentation = "state", leave = "Hot",
                      run = function(c, p, event)
                        return { { kind = "task", title = table.concat({ event.kind, event.segment, event.from, event.to, c.id }, " ") } }
                      end },
                """, params: "owner = \"ann\"")
        try scenario.set("1", "Hot")
        try scenario.set("2", "Hot")
        try scenario.run("2025-01-01")
        try scenario.set("1", "Warm")
        try scenario.run("2025-01-02")
        let titles = try scenario.database.read { db in try String.fetchAll(db, sql: "SELECT title FROM tasks ORDER BY id") }
        #expect(titles == [
            "enter state Hot - Hot 2025-01-01T00:00:00Z nil 1 ann true",
            "enter state Hot - Hot 2025-01-01T00:00:00Z nil 2 ann true",
            "leave Hot Hot Warm 1",
        ])
    }

    @Test("an action's unseen transitions read by id or through the segmentation's index are the same, in id order")
    func transitionsEitherWay() throws {
        let scenario = try FollowUpScenario(customers: 4, actions: Self.callOnHot)
        for (date, customer, state) in [("2025-01-01", "1", "Hot"), ("2025-01-02", "2", "Warm"), ("2025-01-03", "1", "Cold"), ("2025-01-04", "3", "Hot")] {
            try scenario.set(customer, state)
            try scenario.run(date)
        }
        let (byIndex, byID, into) = try scenario.database.write { db in
            try db.execute(sql: "UPDATE action_cursors SET transition_id = 2")
            return (
                try FollowUpStore.transitions(db, after: "call", segmentation: "state", classified: 0),
                try FollowUpStore.transitions(db, after: "call", segmentation: "state", classified: 1_000),
                try FollowUpStore.transitions(db, after: "call", segmentation: "state", into: ["Hot"], classified: 1_000))
        }
        let ids = byIndex.map(\.transitionID)
        #expect(ids == [3, 4, 5, 6, 7])
        #expect(byIndex.map { "\($0.customerPK) \($0.from ?? "-") \($0.to ?? "-")" } == byID.map { "\($0.customerPK) \($0.from ?? "-") \($0.to ?? "-")" })
        #expect(ids == byID.map(\.transitionID))
        #expect(byID.map { "\($0.customerPK) \($0.from ?? "-") \($0.to ?? "-")" } == ["3 - Cold", "4 - Cold", "2 Cold Warm", "1 Hot Cold", "3 Cold Hot"])
        #expect(into.map { "\($0.customerPK) \($0.to ?? "-")" } == ["3 Hot"])
    }

    @Test("due_in_days counts from the as-of date in the business time zone")
    func dueDateInBusinessZone() throws {
        let scenario = try FollowUpScenario(actions: Self.callOnHot)
        try scenario.database.setBusinessTimeZone(try BusinessTimeZone("Asia/Shanghai"))
        try scenario.set("1", "Hot")
        // 20:00 UTC on 31 December is already 1 January in Shanghai: due 3 January.
        try scenario.run("2024-12-31T20:00:00Z")
        let task = try #require(try scenario.database.tasks(matching: .init(customerID: "1")).first)
        #expect(task.dueDate == "2025-01-03")
    }

    @Test("enter and leave fire on changes only; moving inside the trigger's set is neither")
    func enterAndLeave() throws {
        let scenario = try FollowUpScenario(actions: """
                warm_up = { segmentation = "state", enter = { "Warm", "Hot" }, reentry = "every_time",
                  run = function() return { { kind = "tag", tag = "warm" } } end },
                cool_down = { segmentation = "state", leave = { "Warm", "Hot" }, reentry = "every_time",
                  run = function() return { { kind = "untag", tag = "warm" } } end },
            """)
        try scenario.run("2025-01-01")
        try scenario.set("1", "Warm")
        #expect(try scenario.run("2025-01-02").count(.applied) == 1)
        try scenario.set("1", "Hot")
        #expect(try scenario.run("2025-01-03").firings.isEmpty)
        #expect(try scenario.database.tags(customerID: "1") == ["warm"])
        try scenario.set("1", "Cold")
        #expect(try scenario.run("2025-01-04").count(.applied) == 1)
        #expect(try scenario.database.tags(customerID: "1") == [])
    }

    @Test("a stay fires once, when the customer has been in the segment for the days")
    func stay() throws {
        let scenario = try FollowUpScenario(actions: """
                long_hot = { segmentation = "state", stay = { segments = { "Hot" }, days = 30 },
                  run = function(c, p, event) return { { kind = "task", title = "Hot for " .. event.days .. " days" } } end },
            """)
        try scenario.set("1", "Hot")
        try scenario.run("2025-01-01")
        #expect(try scenario.run("2025-01-30").firings.isEmpty)
        #expect(try scenario.run("2025-01-31").count(.applied) == 1)
        #expect(try scenario.run("2025-02-15").firings.isEmpty)
        #expect(try scenario.database.tasks().map(\.title) == ["Hot for 30 days"])
    }

    @Test("a stay counts calendar days in the business time zone")
    func stayInBusinessZone() throws {
        let scenario = try FollowUpScenario(actions: """
                long_hot = { segmentation = "state", stay = { segments = { "Hot" }, days = 2 },
                  run = function(c, p, event) return { { kind = "task", title = "Hot for " .. event.days .. " days" } } end },
            """)
        try scenario.database.setBusinessTimeZone(try BusinessTimeZone("Asia/Shanghai"))
        try scenario.set("1", "Hot")
        // Entered at 17:00 UTC on 31 December: 01:00 on 1 January in Shanghai.
        try scenario.run("2024-12-31T17:00:00Z")
        // 15:00 UTC on 2 January is 23:00 on the 2nd there: one day in; in UTC it would be two.
        #expect(try scenario.run("2025-01-02T15:00:00Z").firings.isEmpty)
        // 16:00 UTC on 2 January is midnight of the 3rd there: two days.
        #expect(try scenario.run("2025-01-02T16:00:00Z").count(.applied) == 1)
        #expect(try scenario.database.tasks().map(\.title) == ["Hot for 2 days"])
    }

    @Test("a cooldown stops a re-entry inside it and not after it")
    func cooldown() throws {
        let scenario = try FollowUpScenario(actions: """
                hot = { segmentation = "state", enter = "Hot", reentry = { cooldown_days = 30 },
                  run = function() return { { kind = "tag", tag = "hot" } } end },
            """)
        try scenario.set("1", "Hot")
        #expect(try scenario.run("2025-01-01").count(.applied) == 1)
        try scenario.set("1", "Cold")
        try scenario.run("2025-01-05")
        try scenario.set("1", "Hot")
        let inside = try scenario.run("2025-01-10")
        #expect(inside.count(.skipped) == 1 && inside.count(.applied) == 0)
        #expect(inside.firings.first?.detail?.contains("cooldown of 30 days") == true)
        try scenario.set("1", "Cold")
        try scenario.run("2025-02-01")
        try scenario.set("1", "Hot")
        #expect(try scenario.run("2025-02-05").count(.applied) == 1)
    }

    @Test("once (the default) fires a single time per customer, however often they re-enter")
    func oncePerCustomer() throws {
        let scenario = try FollowUpScenario(actions: Self.callOnHot)
        try scenario.set("1", "Hot")
        try scenario.run("2025-01-01")
        try scenario.set("1", "Cold")
        try scenario.run("2025-01-02")
        try scenario.set("1", "Hot")
        #expect(try scenario.run("2025-01-03").count(.skipped) == 1)
        #expect(try scenario.count("tasks") == 1)
    }

    @Test("a condition combines the profile with the segments of other segmentations")
    func condition() throws {
        let scenario = try FollowUpScenario(actions: """
                hot_with_note = { segmentation = "state", enter = "Hot",
                  when = function(c) return c.note == "vip" and c.segments.state == "Hot" end,
                  run = function() return { { kind = "tag", tag = "noted" } } end },
            """)
        try scenario.set("1", "Hot")
        try scenario.set("2", "Hot")
        _ = try CustomFields(database: scenario.database, catalog: scenario.catalog).set(customerID: "2", name: "note", text: "vip")
        let summary = try scenario.run("2025-01-01")
        #expect(summary.firings.filter { $0.outcome == .applied }.map(\.customerID) == ["2"])
        #expect(try scenario.database.tags(customerID: "1").isEmpty)
    }

    @Test("c.segments is each customer's own, whichever customers fired before with the same or other segments")
    func segmentsPerCustomer() throws {
        let parity = """
            return {
              name = "parity", version = "1.0.0", description = "odd and even ids",
              segmentations = {
                parity = { segments = { "Odd", "Even" }, classify = function(c) return tonumber(c.id) % 2 == 1 and "Odd" or "Even" end },
              },
            }
            """
        let scenario = try FollowUpScenario(
            customers: 5,
            actions: """
                    call = { segmentation = "state", enter = "Hot",
                      run = function(c)
                        c.segments.parity = "changed by the action"
                        return { { kind = "task", title = c.id .. " " .. c.segments.state .. " " .. tostring(c.segments.parity) } }
                      end },
                    peek = { segmentation = "state", enter = "Hot",
                      run = function(c) return { { kind = "tag", tag = c.segments.parity } } end },
                """, otherPlugins: ["parity.lua": parity])
        for id in ["1", "2", "3", "4", "5"] { try scenario.set(id, "Hot") }
        #expect(try scenario.run("2025-01-01").count(.applied) == 10)
        #expect(try scenario.database.tasks().map(\.title).sorted() == (1...5).map { "\($0) Hot changed by the action" })
        for (id, tag) in [("1", "Odd"), ("2", "Even"), ("3", "Odd"), ("4", "Even"), ("5", "Odd")] {
            #expect(try scenario.database.tags(customerID: id) == [tag], "customer \(id)")
        }
    }

    @Test("a failing action is recorded with plugin and line, does not block others, and is retried")
    func failureIsRetried() throws {
        let scenario = try FollowUpScenario(
            actions: """
                    fragile = { segmentation = "state", enter = "Hot",
                      run = function(c, p)
                        if p.broken then error("the CRM is down") end
                        return { { kind = "task", title = "Fragile " .. c.id } }
                      end },
                    sturdy = { segmentation = "state", enter = "Hot", run = function() return { { kind = "tag", tag = "hot" } } end },
                """, params: "broken = true")
        try scenario.set("1", "Hot")
        let first = try scenario.run("2025-01-01")
        let failure = try #require(first.firings.first { $0.outcome == .failed })
        #expect(failure.detail?.contains("flow.lua:") == true)
        #expect(failure.detail?.contains("action 'fragile'") == true)
        #expect(failure.detail?.contains("customer 1") == true)
        #expect(failure.detail?.contains("the CRM is down") == true)
        #expect(try scenario.database.tags(customerID: "1") == ["hot"])
        let runs = try scenario.database.runs()
        #expect(runs.contains { $0.kind == .followUp && $0.subject == "fragile" && $0.outcome == .failed && ($0.error ?? "").contains("flow.lua:") })
        try PluginParameters.set(try #require(scenario.catalog.plugin(named: "flow")), key: "broken", text: "false", in: scenario.database)
        let second = try scenario.run("2025-01-02")
        #expect(second.count(.applied) == 1 && second.count(.failed) == 0)
        #expect(try scenario.database.tasks().map(\.title) == ["Fragile 1"])
        #expect(try scenario.run("2025-01-03").firings.isEmpty)
    }

    @Test("an effect the plugin has no permission for is refused, naming plugin, action and line")
    func permissions() throws {
        let scenario = try FollowUpScenario(actions: Self.callOnHot, permissions: "\"tasks\", \"tags\"")
        try scenario.set("1", "Hot")
        let failure = try #require(try scenario.run("2025-01-01").firings.first)
        #expect(failure.outcome == .failed)
        #expect(failure.detail?.contains("permission 'messages'") == true)
        #expect(failure.detail?.contains("action 'call'") == true)
        #expect(try scenario.count("tasks") == 0)
        #expect(try scenario.count("customer_tags") == 0)
    }

    @Test("bad effects are refused with what is wrong and nothing of that firing is written", arguments: [
        ("{ { kind = \"sms\" } }", "unknown effect kind \"sms\""),
        ("{ { kind = \"task\" } }", "a task needs a non-empty title"),
        ("{ { kind = \"task\", title = \"x\", due = \"31/12/2025\" } }", "is not a date"),
        ("{ { kind = \"tag\", tag = \"\" } }", "non-empty tag"),
        ("{ { kind = \"tag\", tag = string.rep(\"x\", 65) } }", "longer than 64"),
        ("{ { kind = \"message\", channel = \"email\", template = \"t\", data = { f = function() end } } }", "holds a function"),
        ("{ { kind = \"message\", channel = \"email\", template = \"t\", data = { x = 1/0 } } }", "not a finite number"),
        ("{ { kind = \"field\", field = \"state\", value = \"Boiling\" } }", "field 'state'"),
        ("{ { kind = \"tag\", tag = \"ok\" }, { kind = \"task\" } }", "effect 2"),
    ])
    func badEffects(effects: String, message: String) throws {
        let scenario = try FollowUpScenario(actions: """
                bad = { segmentation = "state", enter = "Hot", run = function() return \(effects) end },
            """)
        try scenario.set("1", "Hot")
        let firing = try #require(try scenario.run("2025-01-01").firings.first)
        #expect(firing.outcome == .failed)
        #expect(firing.detail?.contains(message) == true, "\(firing.detail ?? "")")
        #expect(try scenario.count("customer_tags") == 0 && scenario.count("tasks") == 0 && scenario.count("outbox") == 0)
    }

    @Test("a cyclic message data table is refused")
    func cyclicData() throws {
        let scenario = try FollowUpScenario(actions: """
                bad = { segmentation = "state", enter = "Hot",
                  run = function() local t = {}; t.self = t; return { { kind = "message", channel = "e", template = "t", data = t } } end },
            """)
        try scenario.set("1", "Hot")
        let firing = try #require(try scenario.run("2025-01-01").firings.first)
        #expect(firing.outcome == .failed && firing.detail?.contains("nested deeper") == true)
    }

    @Test("a trigger naming an unknown segmentation or segment keeps the plugin from loading")
    func unknownTrigger() throws {
        for (trigger, message) in [("segmentation = \"nosuch\", enter = \"Hot\"", "no segmentation named 'nosuch'"),
                                   ("segmentation = \"state\", enter = \"Boiling\"", "\"Boiling\" is not a segment of state")] {
            let sandbox = try Sandbox()
            let folder = try Plugins.folder(in: sandbox, ["x.lua": """
                return { name = "x", version = "1", description = "d",
                  segmentations = { state = { segments = { "Hot" }, classify = function() return "Hot" end } },
                  actions = { a = { \(trigger), run = function() return {} end } } }
                """])
            let catalog = PluginCatalog.load(directories: [folder])
            #expect(catalog.plugins.isEmpty)
            #expect(catalog.failures.first?.description.contains(message) == true, "\(catalog.failures)")
            #expect(catalog.failures.first?.description.contains("x.lua:3: actions.a.") == true, "\(catalog.failures.first?.description ?? "")")
        }
    }

    @Test("the held-out share of 10,000 customers is within 1 point of the declared share, with no effects")
    func holdout() throws {
        let scenario = try FollowUpScenario(customers: 10_000, actions: """
                treat = { segmentation = "state", enter = "Cold", holdout = 0.2,
                  run = function(c) return { { kind = "tag", tag = "treated" } } end },
            """)
        let summary = try scenario.run("2025-01-01")
        let share = Double(summary.count(.heldOut)) / 10_000
        #expect(abs(share - 0.2) < 0.01, "held out \(share)")
        let heldOut = try scenario.database.read { db in
            try Int.fetchOne(db, sql: """
                SELECT count(*) FROM follow_ups f JOIN customer_tags t ON t.customer_pk = f.customer_pk WHERE f.outcome = 'held_out'
                """) ?? -1
        }
        #expect(heldOut == 0)
        #expect(try scenario.count("customer_tags") == summary.count(.applied))
        #expect(summary.count(.applied) + summary.count(.heldOut) == 10_000)
    }

    @Test("events are batched in order, a batch ending before a customer it already holds")
    func batchesSplitAtARepeatedCustomer() {
        let pks: [Int64] = Array(1...600) + [7, 601, 602, 601]
        let events = pks.map { FollowUpEvent(customerPK: $0, transitionID: $0, from: nil, to: "Hot", since: nil, retryOf: nil) }
        let batches = FollowUpRun.batches(of: events).map { events[$0] }
        #expect(batches.map(\.count) == [512, 91, 1])
        #expect(batches.flatMap { $0.map(\.customerPK) } == pks)
        #expect(batches.allSatisfy { Set($0.map(\.customerPK)).count == $0.count })
    }

    @Test("1,300 customers over three batches (Lua deciding on one while the next is written): every firing in order, with its own effects")
    func firingsInOrderAcrossBatches() throws {
        let scenario = try FollowUpScenario(customers: 1_300, actions: """
                greet = { segmentation = "state", enter = "Cold",
                  when = function(c) return c.tags["skip"] == nil end,
                  run = function(c) return { { kind = "task", title = "Greet " .. c.id }, { kind = "tag", tag = "greeted-" .. c.id } } end },
            """)
        let summary = try scenario.run("2025-01-01")
        let ids = (1...1_300).map(String.init).sorted { Int($0)! < Int($1)! }
        #expect(summary.firings.map(\.customerID) == ids)
        #expect(summary.count(.applied) == 1_300)
        let pairs = try scenario.database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT c.id, t.title, g.tag FROM tasks t JOIN customers c ON c.pk = t.customer_pk
                JOIN customer_tags g ON g.customer_pk = t.customer_pk ORDER BY t.id
                """).map { [$0[0] as String, $0[1] as String, $0[2] as String] }
        }
        #expect(pairs == ids.map { [$0, "Greet \($0)", "greeted-\($0)"] })
    }

    @Test("a field effect sets a declared field, checked like crm field set")
    func fieldEffect() throws {
        let scenario = try FollowUpScenario(actions: """
                note_hot = { segmentation = "state", enter = "Hot",
                  run = function(c, p, event) return { { kind = "field", field = "note", value = "hot since " .. event.as_of:sub(1, 10) } } end },
            """)
        try scenario.set("2", "Hot")
        #expect(try scenario.run("2025-01-01").count(.applied) == 1)
        let reading = try CustomFields(database: scenario.database, catalog: scenario.catalog).get(customerID: "2", name: "note")
        #expect(reading.first?.value == "hot since 2025-01-01")
    }

    @Test("a dry run lists the follow-ups it would fire and writes nothing")
    func dryRun() throws {
        let scenario = try FollowUpScenario(actions: Self.callOnHot)
        try scenario.set("3", "Hot")
        var summary: FollowUpSummary?
        _ = try SegmentationEngine(database: scenario.database, catalog: scenario.catalog).run([], asOf: Plugins.asOf, dryRun: true) {
            if case .followUps(let fired) = $0 { summary = fired }
        }
        let firing = try #require(summary?.firings.first)
        #expect(firing.customerID == "3" && firing.effects.first == "task \"Call 3\" for ann due 2025-01-03")
        #expect(try scenario.count("follow_ups") == 0 && scenario.count("tasks") == 0 && scenario.count("transitions") == 0)
    }
}
