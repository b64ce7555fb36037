import LuaBridge
import Testing

@Suite("memory cap and expensive C functions")
struct ResourceAttackTests {
    @Test("string.rep growth hits the memory cap")
    func stringGrowth() throws {
        let error = try expectStopped("local s = 'x' while true do s = s .. s end", kind: .memory)
        #expect(error?.message.contains("not enough memory") == true)
    }

    @Test("one huge string.rep hits the memory cap")
    func hugeRep() throws {
        try expectStopped("return string.rep('x', 1 << 30)", kind: .memory)
    }

    @Test("table growth hits the memory cap")
    func tableGrowth() throws {
        try expectStopped("local t = {} local i = 0 while true do i = i + 1 t[i] = {i} end", kind: .memory)
    }

    @Test("memory errors caught by pcall still end in an error")
    func pcallMemoryLoop() throws {
        let error = try expectStopped(
            "while true do pcall(string.rep, 'x', 1 << 30) end", kind: .budget)
        #expect(error != nil)
    }

    @Test("a memory error names the plugin and the called function")
    func memoryErrorNamesFunction() throws {
        let state = try makeState()
        let plugin = try state.run("return { grow = function() local t = {} while true do t[#t + 1] = ('x'):rep(64) end end }")
        let grow = try #require(plugin.first?["grow"]?.functionValue)
        #expect(throws: LuaError.self) { try state.call(grow) }
        do {
            _ = try state.call(grow)
        } catch {
            #expect(error.kind == .memory)
            #expect(error.description.hasPrefix("plugins/test.lua: in function 'grow': not enough memory"))
        }
        try expectHealthy(state)
    }

    @Test("a memory cap too small for the sandbox is an error, not a crash")
    func tinyCap() throws {
        #expect(throws: LuaError.self) {
            try LuaState(name: "plugins/tiny.lua", limits: LuaLimits(memory: 4096))
        }
    }

    @Test("string.rep of an empty string with a huge count returns at once")
    func emptyRep() throws {
        let state = try makeState()
        #expect(try state.run("return string.rep('', 1 << 60)") == [""])
    }

    @Test("table.move over a huge empty range is refused")
    func hugeMove() throws {
        try expectStopped("table.move({}, 1, 1 << 50, 1)", kind: .sandbox)
    }

    @Test("string.format with a huge width is an ordinary error")
    func hugeFormat() throws {
        try expectStopped("return string.format('%99999d', 1)", kind: .runtime)
    }

    @Test("table.concat of a huge result hits the memory cap")
    func hugeConcat() throws {
        try expectStopped(
            "local t = {} for i = 1, 1000 do t[i] = ('x'):rep(100000) end return #table.concat(t)",
            kind: .memory)
    }

    @Test("a __gc finalizer is refused")
    func gcFinalizer() throws {
        let error = try expectStopped(
            "setmetatable({}, { __gc = function() while true do end end }) collectgarbage()", kind: .sandbox)
        #expect(error?.message.contains("__gc") == true)
    }

    @Test("a __gc = true placeholder swapped for a function later is refused")
    func gcPlaceholder() throws {
        try expectStopped(
            """
            local mt = { __gc = true }
            setmetatable({}, mt)
            mt.__gc = function() while true do end end
            """, kind: .sandbox)
    }

    @Test("__gc added after setmetatable never runs")
    func gcAddedLater() throws {
        let state = try makeState()
        try state.run(
            """
            ran = false
            local mt = {}
            setmetatable({}, mt)
            mt.__gc = function() ran = true while true do end end
            """)
        // About 40 MB of garbage under a 16 MiB cap: this finishes only if the collector ran,
        // and `ran` stays false only if it skipped the finalizer set after setmetatable.
        #expect(try state.run("for i = 1, 40000 do local s = string.rep('x', 1000) .. i end return ran") == [false])
        #expect(state.memoryInUse < LuaLimits.testing.memory)
        try expectHealthy(state)
    }

    @Test("gsub with a recursive replacement function does not overflow the C stack")
    func gsubRecursion() throws {
        let error = try expectStopped(
            """
            local function f(s) return (s:gsub('.', f)) end
            return f('abc')
            """, kind: .runtime)
        #expect(error?.message.contains("stack overflow") == true || error?.message.contains("C stack") == true)
    }

    @Test("coroutine.wrap recursion does not overflow the C stack")
    func resumeRecursion() throws {
        try expectStopped("local function f() return coroutine.wrap(f)() end return f()", kind: .runtime)
    }

    @Test("__tostring recursion does not overflow the C stack")
    func tostringRecursion() throws {
        try expectStopped(
            """
            local t = setmetatable({}, {})
            getmetatable(t).__tostring = function(x) return tostring(x) end
            return tostring(t)
            """, kind: .runtime)
    }
}
