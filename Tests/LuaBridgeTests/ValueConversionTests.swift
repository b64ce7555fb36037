import LuaBridge
import Testing

@Suite("value conversion")
struct ValueConversionTests {
    @Test("integers and floats stay distinct in both directions")
    func numbers() throws {
        let state = try makeState()
        let identity = try #require(try state.run("return function(...) return ... end").first?.functionValue)
        let values: [LuaValue] = [.integer(3), .number(3.0), .integer(.max), .integer(.min), .number(-0.5)]
        #expect(try state.call(identity, values) == values)
        #expect(try state.run("return 7 // 2, 7 / 2, math.type(1), 2^53") == [
            .integer(3), .number(3.5), "integer", .number(9_007_199_254_740_992),
        ])
    }

    @Test("UTF-8 strings with NUL bytes round-trip")
    func strings() throws {
        let state = try makeState()
        let identity = try #require(try state.run("return function(s) return s, #s end").first?.functionValue)
        let text = "Kunde \u{0}Müller 顧客 🚀\u{0}"
        #expect(try state.call(identity, [.string(text)]) == [.string(text), .integer(Int64(text.utf8.count))])
    }

    @Test("nested tables round-trip")
    func tables() throws {
        let state = try makeState()
        let identity = try #require(try state.run("return function(t) return t end").first?.functionValue)
        let table: LuaValue = .table([
            "name": "Ada",
            "scores": .table([.integer(1): .number(1.5), .integer(2): .integer(2)]),
            "flags": .table(["vip": true, "churned": false]),
            .integer(10): "ten",
        ])
        #expect(try state.call(identity, [table]) == [table])
    }

    @Test("a table of more than a million entries is refused, and the state goes on working")
    func tooManyEntries() throws {
        let state = try makeState(limits: LuaLimits(memory: 256 << 20))
        let huge = try #require(try state.run("return function() local t = {} for i = 1, 1000001 do t[i] = i end return t end").first?.functionValue)
        do {
            let values = try state.call(huge, [])
            Issue.record("expected a refusal, got \(values.count) values")
        } catch {
            #expect(error.message.contains("more than 1000000 entries"), "\(error.message)")
        }
        let small = try #require(try state.run("return function() return { a = 1, b = { 2, 3 } } end").first?.functionValue)
        #expect(try state.call(small, []) == [.table(["a": .integer(1), "b": .table([.integer(1): .integer(2), .integer(2): .integer(3)])])])
    }

    @Test("tables built by Lua convert with their array part")
    func luaTables() throws {
        let state = try makeState()
        let value = try #require(try state.run("return { 'a', 'b', 'c', n = 3, sub = { x = 1.25 } }").first)
        #expect(value.arrayValues == ["a", "b", "c"])
        #expect(value["n"] == .integer(3))
        #expect(value["sub"]?["x"] == .number(1.25))
    }

    @Test("functions come back as callable references")
    func functions() throws {
        let state = try makeState()
        let plugin = try #require(try state.run("return { double = function(x) return x * 2 end }").first)
        let double = try #require(plugin["double"]?.functionValue)
        #expect(try state.call(double, [.integer(21)]) == [.integer(42)])
        let apply = try #require(try state.run("return function(f, x) return f(x) end").first?.functionValue)
        #expect(try state.call(apply, [.function(double), .number(1.5)]) == [.number(3)])
    }

    @Test("a function reference cannot be used with another state")
    func foreignFunction() throws {
        let first = try makeState()
        let second = try makeState()
        let function = try #require(try first.run("return function() end").first?.functionValue)
        #expect(throws: LuaError.self) { try second.call(function) }
    }
}
