import Foundation
import Testing

@testable import CRMCore
import LuaBridge

@Suite("Effects from jobs")
struct JobEffectsTests {
    static var effects: LuaValue { .table([
        1: .table(["kind": "task", "title": "Call back", "owner": "ann"]),
        2: .table(["kind": "field", "field": "note", "value": ""]),
        3: .table(["kind": "message", "channel": "email", "template": "hello"]),
    ]) }

    func jobEffects(_ scenario: FollowUpScenario, at instant: String = "2025-01-02T06:00:00Z") throws -> JobEffects {
        let catalog = scenario.catalog
        let plugin = try #require(catalog.plugin(named: "flow"))
        return JobEffects(database: scenario.database, catalog: catalog, job: "pool", asOf: try Timestamp.parse(instant), plugin: plugin.definition)
    }

    @Test("a retried job instance finds its effects applied; another instance applies them again")
    func exactlyOncePerInstance() throws {
        let scenario = try FollowUpScenario(actions: "")
        _ = try CustomFields(database: scenario.database, catalog: scenario.catalog).set(customerID: "1", name: "note", text: "keep?")
        let first = try jobEffects(scenario).apply([.string("1"), Self.effects])
        #expect(first["applied"] == .boolean(true))
        #expect(try CustomFields(database: scenario.database, catalog: scenario.catalog).get(customerID: "1", name: "note").first?.value == nil)
        let retried = try jobEffects(scenario).apply([.string("1"), Self.effects])
        #expect(retried["applied"] == .boolean(false))
        #expect(try scenario.count("tasks") == 1 && scenario.count("outbox") == 1)
        let nextDay = try jobEffects(scenario, at: "2025-01-03T06:00:00Z").apply([.string("1"), Self.effects])
        #expect(nextDay["applied"] == .boolean(true))
        #expect(try scenario.count("tasks") == 2 && scenario.count("outbox") == 2)
        let key = try scenario.database.outbox().first?.key
        #expect(key == "job/pool/2025-01-02T06:00:00Z/1/1/3")
    }

    @Test("a job's effects need the plugin's permissions; bad effects and unknown customers are refused")
    func refusals() throws {
        let scenario = try FollowUpScenario(actions: "", permissions: "\"tasks\"")
        let effects = try jobEffects(scenario)
        #expect(throws: CRMError.self) { try effects.apply([.string("1"), Self.effects]) }
        do {
            _ = try effects.apply([.string("1"), Self.effects])
        } catch {
            #expect("\(error)".contains("permission 'fields'"))
        }
        do {
            _ = try effects.apply([.string("nobody"), .table([1: .table(["kind": "task", "title": "x"])])])
            Issue.record("an unknown customer was accepted")
        } catch {
            #expect("\(error)".contains("no customer with id \"nobody\""))
        }
        #expect(try scenario.count("tasks") == 0)
    }
}
