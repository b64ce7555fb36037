import Foundation
import LuaBridge
import Testing

@Suite("reusable records for hot loops")
struct RecordCallTests {
    static let classifier = """
        return function(c, p)
          if c.order_count == 0 then return "No" end
          if c.monetary >= p.vip_threshold then return "VIP", c.name .. " spent " .. c.monetary end
          return "Yes", "reason"
        end
        """

    @Test("fields set in Swift are seen by Lua and results come back as strings")
    func classify() throws {
        let state = try makeState()
        let classify = try #require(try state.run(Self.classifier).first?.functionValue)
        let customer = try state.makeRecord(fields: ["order_count", "monetary", "name"])
        let params = try state.makeRecord(fields: ["vip_threshold"])
        params.set(0, 1000.0)
        customer.set(0, Int64(0))
        #expect(try state.call(classify, record: customer, context: params) == ("No", nil))
        customer.set(0, Int64(4))
        customer.set(1, 1500.0)
        customer.set(2, "Ada")
        #expect(try state.call(classify, record: customer, context: params) == ("VIP", "Ada spent 1500.0"))
        customer.set(1, Int64(10))
        #expect(try state.call(classify, record: customer, context: params) == ("Yes", "reason"))
    }

    @Test("a result that is not a string or nil is refused")
    func badResult() throws {
        let state = try makeState()
        let function = try #require(try state.run("return function() return 42 end").first?.functionValue)
        let record = try state.makeRecord(fields: [])
        #expect {
            try state.call(function, record: record)
        } throws: { error in
            (error as? LuaError)?.kind == .badReturn
        }
    }

    @Test("a record call is bounded by the budget like any other call")
    func budget() throws {
        let state = try makeState()
        let function = try #require(try state.run("return function(c) while true do end end").first?.functionValue)
        let record = try state.makeRecord(fields: ["x"])
        #expect(throws: LuaError.self) { try state.call(function, record: record) }
        try expectHealthy(state)
    }

    @Test("many calls on the Lua thread reuse one table")
    func manyCalls() throws {
        let state = try makeState()
        let classify = try #require(try state.run(Self.classifier).first?.functionValue)
        let customer = try state.makeRecord(fields: ["order_count", "monetary", "name"])
        let params = try state.makeRecord(fields: ["vip_threshold"])
        params.set(0, 1000.0)
        let memoryBefore = state.memoryInUse
        let counts = try state.perform { state throws(LuaError) -> Int in
            var yes = 0
            for index in 0 ..< 100_000 {
                customer.set(0, Int64(index % 3))
                customer.set(1, Double(index % 500))
                if try state.call(classify, record: customer, context: params).0 == "Yes" { yes += 1 }
            }
            return yes
        }
        #expect(counts == 66_666)
        #expect(state.memoryInUse < memoryBefore + (1 << 20))
    }

    /// Measures the hot path; run with
    /// `LUABRIDGE_BENCH=1 swift test -c release --filter RecordCallTests/benchmark`.
    /// Reports the cost, asserts only the results (never a timed test).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["LUABRIDGE_BENCH"] != nil))
    func benchmark() throws {
        let state = try LuaState(name: "plugins/bench.lua")
        let classify = try #require(
            try state.run(
                """
                return function(c, p) if c.order_count == 0 then return "No" end return "Yes", "reason" end
                """
            ).first?.functionValue)
        let names = ["order_count", "monetary", "recency_days", "aov", "first_order", "last_order", "city", "tier"]
        let customer = try state.makeRecord(fields: names)
        let params = try state.makeRecord(fields: ["bins"])
        params.set(0, Int64(5))
        let calls = 1_000_000
        let (yes, seconds) = try state.perform { state throws(LuaError) -> (Int, Double) in
            var yes = 0
            let start = DispatchTime.now().uptimeNanoseconds
            for index in 0 ..< calls {
                customer.set(0, Int64(index & 3))
                customer.set(1, Double(index))
                customer.set(2, Int64(index % 365))
                customer.set(3, 42.5)
                customer.set(4, Int64(19_000))
                customer.set(5, Int64(19_500))
                customer.set(6, index & 1 == 0 ? "Berlin" : "Lisbon")
                customer.set(7, "gold")
                if try state.call(classify, record: customer, context: params).0 == "Yes" { yes += 1 }
            }
            return (yes, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        print("LuaBridge record call: \(seconds / Double(calls) * 1e9) ns per call (8 fields written)")
        #expect(yes == calls / 4 * 3)
    }
}
