import LuaBridge
import Testing

@Suite("Swift functions called from Lua")
struct CallbackTests {
    struct Refused: Error, CustomStringConvertible {
        var description: String { "customer 42 is locked" }
    }

    @Test("a Swift function receives arguments and returns results")
    func roundTrip() throws {
        let state = try makeState()
        try state.register(table: "crm", name: "add") { arguments in
            let sum = arguments.compactMap(\.doubleValue).reduce(0, +)
            return [.number(sum), .string("sum of \(arguments.count)")]
        }
        #expect(try state.run("return crm.add(1, 2.5, 3)") == [.number(6.5), "sum of 3"])
    }

    @Test("a global Swift function can return tables and be called from coroutines")
    func globalAndCoroutine() throws {
        let state = try makeState()
        try state.register(name: "profile") { arguments in
            [.table(["id": arguments.first ?? .nil, "orders": .integer(3)])]
        }
        let values = try state.run(
            """
            local co = coroutine.wrap(function() local p = profile("c1") coroutine.yield(p.orders) return p.id end)
            return co(), co()
            """)
        #expect(values == [.integer(3), "c1"])
    }

    @Test("an error thrown by a Swift function becomes a Lua error at the calling line")
    func throwingCallback() throws {
        let state = try makeState("plugins/vip.lua")
        try state.register(table: "crm", name: "lock") { _ in throw Refused() }
        let error = expectFailure(state, "local x = 1\ncrm.lock()")
        #expect(error?.kind == .runtime)
        #expect(error?.line == 2)
        #expect(error?.message == "customer 42 is locked")
    }

    @Test("Lua can catch an error thrown by a Swift function")
    func caughtCallbackError() throws {
        let state = try makeState()
        try state.register(name: "fail") { _ in throw Refused() }
        let values = try state.run("local ok, message = pcall(fail) return ok, message")
        #expect(values.first == false)
        #expect(values.last?.stringValue?.hasSuffix("customer 42 is locked") == true)
    }

    @Test("results too large for the memory cap become a memory error, not a crash")
    func hugeResult() throws {
        let state = try makeState()
        try state.register(name: "huge") { _ in [.string(String(repeating: "x", count: 32 << 20))] }
        let error = expectFailure(state, "return #huge()")
        #expect(error?.kind == .memory)
        try expectHealthy(state)
    }

    @Test("a table argument with a metatable is refused with a Lua error")
    func metatableArgument() throws {
        let state = try makeState()
        try state.register(name: "inspect") { arguments in [.integer(Int64(arguments.count))] }
        let error = expectFailure(state, "return inspect(setmetatable({}, { __index = function() end }))")
        #expect(error?.kind == .runtime)
        #expect(error?.message.contains("metatable") == true)
    }

    @Test("Swift functions run on the state's Lua thread")
    func runsOnLuaThread() throws {
        let state = try makeState()
        let thread = state.thread
        try state.register(name: "onLuaThread") { _ in [.boolean(thread.isCurrent)] }
        #expect(try state.run("return onLuaThread()") == [true])
        #expect(!thread.isCurrent)
    }

    @Test("two states can share one Lua thread")
    func sharedThread() throws {
        let thread = LuaThread()
        let first = try LuaState(name: "plugins/a.lua", limits: .testing, thread: thread)
        let second = try LuaState(name: "plugins/b.lua", limits: .testing, thread: thread)
        try first.run("x = 1")
        #expect(try second.run("return x") == [.nil])
        #expect(try first.perform { state throws(LuaError) in try state.run("return x") } == [.integer(1)])
    }

    @Test("registering ignores metamethods a plugin put on the global table")
    func registerAfterTampering() throws {
        let state = try makeState()
        try state.run("setmetatable(_G, { __index = function() while true do end end, __newindex = error })")
        try state.register(table: "crm", name: "answer") { _ in [.integer(42)] }
        #expect(try state.run("return crm.answer()") == [.integer(42)])
    }

    @Test("a Swift function can call back into Lua without resetting the budget")
    func reentrantCall() throws {
        let state = try makeState()
        let plugin = try state.run("return { spin = function() while true do end end }")
        let spin = try #require(plugin.first?["spin"]?.functionValue)
        try state.register(name: "host") { _ in try state.call(spin) }
        let error = expectFailure(state, "while true do pcall(host) end")
        #expect(error?.kind == .budget)
        try expectHealthy(state)
    }
}
