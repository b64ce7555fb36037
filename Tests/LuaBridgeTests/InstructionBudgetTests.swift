import LuaBridge
import Testing

@Suite("instruction budget and deadline")
struct InstructionBudgetTests {
    @Test("an endless loop is stopped by the budget")
    func endlessLoop() throws {
        let error = try expectStopped("while true do end", kind: .budget)
        #expect(error?.line == 1)
        #expect(error?.message.contains("instruction budget") == true)
    }

    @Test("pcall cannot swallow the budget error")
    func pcallLoop() throws {
        try expectStopped("while true do pcall(function() while true do end end) end", kind: .budget)
    }

    @Test("nested pcall cannot swallow the budget error")
    func nestedPcall() throws {
        try expectStopped(
            """
            local function spin() while true do end end
            while true do pcall(pcall, pcall, spin) end
            """, kind: .budget)
    }

    @Test("a loop inside a coroutine is stopped")
    func coroutineLoop() throws {
        try expectStopped(
            "local co = coroutine.create(function() while true do end end) while true do coroutine.resume(co) end",
            kind: .budget)
    }

    @Test("many coroutines share one budget")
    func manyCoroutines() throws {
        try expectStopped(
            """
            for i = 1, 1000 do
              local co = coroutine.wrap(function() for j = 1, 1e6 do end end)
              pcall(co)
            end
            return "escaped"
            """, kind: .budget)
    }

    @Test("the wall-clock deadline stops a loop when the budget is large")
    func deadline() throws {
        let limits = LuaLimits(memory: 16 << 20, instructions: .max, timeout: 0.2)
        let error = try expectStopped("while true do end", kind: .timeout, limits: limits)
        #expect(error?.message.contains("time limit") == true)
    }

    @Test("each call gets a fresh budget")
    func freshBudgetPerCall() throws {
        let state = try makeState()
        let work = try state.run("return function() local s = 0 for i = 1, 100000 do s = s + i end return s end")
        let function = try #require(work.first?.functionValue)
        for _ in 0 ..< 50 { #expect(try state.call(function) == [.integer(5_000_050_000)]) }
    }

    @Test("an xpcall handler that loops is not run for the budget error")
    func xpcallHandler() throws {
        try expectStopped(
            "xpcall(function() while true do end end, function() while true do end end) return 'escaped'",
            kind: .budget)
    }

    @Test("an xpcall handler still runs for ordinary errors")
    func xpcallOrdinary() throws {
        let state = try makeState()
        let values = try state.run("return xpcall(error, function(m) return 'handled: ' .. m end, 'boom')")
        #expect(values == [false, "handled: boom"])
    }

    @Test("an xpcall handler that loops on an ordinary error is stopped")
    func xpcallHandlerLoopsOnOrdinaryError() throws {
        try expectStopped("xpcall(error, function() while true do end end, 'x') return 'escaped'", kind: .budget)
    }

    @Test("__close of a coroutine killed by the budget never runs with hooks off")
    func closeOfDeadCoroutine() throws {
        try expectStopped(
            """
            local co = coroutine.create(function()
              local guard <close> = setmetatable({}, { __close = function() while true do end end })
              while true do end
            end)
            coroutine.resume(co)
            coroutine.close(co)
            return "escaped"
            """, kind: .budget)
    }

    @Test("a coroutine killed in one call cannot be closed in the next")
    func closeInLaterCall() throws {
        let state = try makeState()
        _ = expectFailure(
            state,
            """
            co = coroutine.create(function()
              local guard <close> = setmetatable({}, { __close = function() while true do end end })
              while true do end
            end)
            coroutine.resume(co)
            """)
        let values = try state.run("return coroutine.close(co)")
        #expect(values.first == false)
        try expectHealthy(state)
    }

    @Test("coroutine.wrap does not run __close of a coroutine killed by the budget")
    func wrapClose() throws {
        try expectStopped(
            """
            local f = coroutine.wrap(function()
              local guard <close> = setmetatable({}, { __close = function() while true do end end })
              while true do end
            end)
            pcall(f)
            return "escaped"
            """, kind: .budget)
    }

    @Test("__close still runs for coroutines that end normally")
    func closeStillWorks() throws {
        let state = try makeState()
        let values = try state.run(
            """
            local closed = false
            local co = coroutine.wrap(function()
              local guard <close> = setmetatable({}, { __close = function() closed = true end })
              error("x")
            end)
            pcall(co)
            return closed
            """)
        #expect(values == [true])
    }
}
