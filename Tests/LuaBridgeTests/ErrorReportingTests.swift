import LuaBridge
import Testing

@Suite("error reports")
struct ErrorReportingTests {
    @Test("a syntax error reports chunk and line")
    func syntaxError() throws {
        let state = try makeState("plugins/vip.lua")
        let error = expectFailure(state, "local x = 1\nlocal y = = 2\n")
        #expect(error?.kind == .syntax)
        #expect(error?.line == 2)
        #expect(error?.description.hasPrefix("plugins/vip.lua:2:") == true)
    }

    @Test("a message that quotes another position further on is kept whole")
    func quotedPosition() throws {
        let state = try makeState("plugins/pool.lua")
        let whole = expectFailure(state, "error('cannot read exports/x.lua:12: no such file', 0)")
        #expect(whole?.message == "cannot read exports/x.lua:12: no such file")
        #expect(whole?.line == 1)  // where error() was called, known from the call stack
        let positioned = expectFailure(state, "\nerror('cannot read exports/x.lua:12: no such file')")
        #expect(positioned?.line == 2)
        #expect(positioned?.message == "cannot read exports/x.lua:12: no such file")
    }

    @Test("a syntax error after a runtime error reports its own line")
    func syntaxAfterRuntime() throws {
        let state = try makeState("plugins/vip.lua")
        _ = expectFailure(state, "\n\n\nlocal function boom() error('x') end boom()")
        let error = expectFailure(state, "x = = 1")
        #expect(error?.kind == .syntax)
        #expect(error?.line == 1)
        #expect(error?.function == nil)
    }

    @Test("a runtime error reports chunk, line and function")
    func runtimeError() throws {
        let state = try makeState("plugins/vip.lua")
        let plugin = try state.run(
            """
            local M = {}
            function M.classify(c)
              if c.order_count < 3 then
                return "VIP"
              end
            end
            return M
            """)
        let classify = try #require(plugin.first?["classify"]?.functionValue)
        #expect(classify.name == "classify")
        do {
            _ = try state.call(classify, [.table([:])])
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .runtime)
            #expect(error.line == 3)
            #expect(error.function == "classify")
            #expect(
                error.description
                    == "plugins/vip.lua:3: in function 'classify': attempt to compare nil with number")
            #expect(error.traceback.contains("stack traceback"))
        }
    }

    @Test("an error in a helper names the helper")
    func helperError() throws {
        let state = try makeState("plugins/vip.lua")
        let error = expectFailure(state, "local function helper() error('broken helper') end\nhelper()")
        #expect(error?.function == "helper")
        #expect(error?.line == 1)
        #expect(error?.message == "broken helper")
    }

    @Test("a non-string error object is described by its type")
    func tableErrorObject() throws {
        let state = try makeState()
        let error = expectFailure(state, "error(setmetatable({}, { __tostring = function() while true do end end }))")
        #expect(error?.kind == .runtime)
        #expect(error?.message.contains("table value") == true)
    }

    @Test("a returned table with a metatable is refused")
    func metatableReturn() throws {
        let state = try makeState()
        let error = expectFailure(state, "return setmetatable({}, { __index = function(t, k) while true do end end })")
        #expect(error?.kind == .badReturn)
        #expect(error?.message.contains("metatable") == true)
    }

    @Test("a returned table nested too deeply is refused")
    func deepReturn() throws {
        let state = try makeState()
        let error = expectFailure(state, "local t = {} t.self = t return t")
        #expect(error?.kind == .badReturn)
    }

    @Test("a state can be used again after every kind of error")
    func reuseAfterErrors() throws {
        let state = try makeState()
        _ = expectFailure(state, "error('x')")
        _ = expectFailure(state, "local = 1")
        _ = expectFailure(state, "while true do end")
        try expectHealthy(state)
    }
}
