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
}
