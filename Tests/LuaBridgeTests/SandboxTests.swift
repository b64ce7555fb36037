import LuaBridge
import Testing

@Suite("sandbox contents")
struct SandboxTests {
    @Test(
        "dangerous libraries and functions are absent",
        arguments: ["io", "os", "debug", "package", "require", "dofile", "loadfile", "print", "string.dump"])
    func absent(name: String) throws {
        let state = try makeState()
        #expect(try state.run("return \(name) == nil") == [true])
    }

    @Test("allowed libraries are present", arguments: ["string", "table", "math", "utf8", "coroutine"])
    func present(name: String) throws {
        let state = try makeState()
        #expect(try state.run("return type(\(name))") == ["table"])
    }

    @Test("string.dump cannot be reached through the string metatable")
    func dumpThroughMetatable() throws {
        let state = try makeState()
        #expect(try state.run("return ('').dump == nil") == [true])
        let error = expectFailure(state, "return getmetatable('').__index.dump")
        #expect(error?.kind == .runtime)
    }

    @Test("the string metatable is locked")
    func lockedStringMetatable() throws {
        let state = try makeState()
        #expect(try state.run("return getmetatable('')") == [false])
    }

    @Test("load refuses binary mode")
    func loadBinaryMode() throws {
        let state = try makeState()
        let values = try state.run("return load('return 1', 'x', 'b')")
        #expect(values.first == .nil)
        #expect(values.last?.stringValue?.contains("binary") == true)
    }

    @Test("load refuses a binary chunk even when asked for both modes")
    func loadBinaryChunk() throws {
        let state = try makeState()
        let values = try state.run("return load('\\27Lua\\84\\0', 'x', 'bt')")
        #expect(values.first == .nil)
        #expect(values.last?.stringValue?.contains("binary chunk") == true)
    }

    @Test("load of text still works, with and without an environment")
    func loadText() throws {
        let state = try makeState()
        #expect(try state.run("return load('return 1 + 1')()") == [.integer(2)])
        #expect(try state.run("return load('return x', 'chunk', 't', { x = 5 })()") == [.integer(5)])
        // An explicit nil environment is forwarded: the chunk sees no globals at all.
        #expect(try state.run("return (pcall(load('return string', 'chunk', 't', nil)))") == [false])
    }

    @Test("collectgarbage only reports memory")
    func collectGarbage() throws {
        let state = try makeState()
        // The count is the real one: it matches the host's accounting and grows with a big table.
        let before = try #require(try state.run("return collectgarbage('count')").first?.doubleValue)
        #expect(abs(before * 1024 - Double(state.memoryInUse)) < 0.1 * Double(state.memoryInUse))
        let after = try #require(try state.run("big = {} for i = 1, 100000 do big[i] = i end return collectgarbage('count')").first?.doubleValue)
        #expect(after - before > 1024, "100,000 integers take over a MiB")
        for option in ["collect", "step", "stop", "incremental", "generational", "restart"] {
            let error = expectFailure(state, "collectgarbage('\(option)')")
            #expect(error?.kind == .sandbox)
        }
        #expect(expectFailure(state, "collectgarbage()")?.kind == .sandbox)
    }

    @Test("tampering in one state does not affect another")
    func isolation() throws {
        let first = try makeState("plugins/first.lua")
        let second = try makeState("plugins/second.lua")
        try first.run(
            """
            math.floor = nil
            string.len = nil
            string.upper = function() return "hacked" end
            _G.shared = "leak"
            """)
        #expect(try second.run("return math.floor(2.5), string.len('abc'), ('a'):upper(), shared") == [
            .integer(2), .integer(3), "A", .nil,
        ])
    }

    @Test("tampering with the string metatable is not possible")
    func stringMetatableTampering() throws {
        let state = try makeState()
        let error = expectFailure(state, "getmetatable('').__index = { upper = function() return 'x' end }")
        #expect(error?.kind == .runtime)
        #expect(try state.run("return ('a'):upper()") == ["A"])
    }
}
