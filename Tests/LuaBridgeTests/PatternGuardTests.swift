import Foundation
import LuaBridge
import Testing

@Suite("pattern matching guard")
struct PatternGuardTests {
    @Test(
        "pathological patterns are refused before they run",
        arguments: [
            "return (('a'):rep(2000)):find('.-.-x')",
            "return (('a'):rep(30)):match(('a?'):rep(30) .. ('a'):rep(30))",
            "return (('('):rep(100000)):find('%b()')",
            "return (('a'):rep(200000)):find('.-x')",
            "for w in (('a'):rep(5000)):gmatch('.-.-x') do end",
            "return (('a'):rep(5000)):gsub('.-.-x', '')",
        ])
    func pathological(source: String) throws {
        let error = try expectStopped(source, kind: .sandbox)
        #expect(error?.message.contains("pattern too complex for a subject of") == true)
    }

    @Test("realistic patterns work")
    func realistic() throws {
        let state = try makeState()
        let values = try state.run(
            """
            local trimmed = ("  VIP customer  "):match("^%s*(.-)%s*$")
            local year = ("2024-03-05"):match("^(%d+)-%d+-%d+$")
            local words = 0
            for _ in ("gold silver bronze"):gmatch("%a+") do words = words + 1 end
            local replaced = ("a,b,c"):gsub(",", ";")
            local long = (("x"):rep(5000) .. "@"):find("@", 1, true)
            return trimmed, year, words, replaced, long, ("abc"):find("b.")
            """)
        #expect(values == ["VIP customer", "2024", .integer(3), "a;b;c", .integer(5001), .integer(2), .integer(3)])
    }

    @Test("trimming works up to the documented subject length and is refused beyond it")
    func trimBound() throws {
        let state = try makeState()
        let trim = "return (' ' .. ('x'):rep(%d) .. ' '):match('^%%s*(.-)%%s*$'):len()"
        #expect(try state.run(String(format: trim, 400)) == [.integer(400)])
        #expect(expectFailure(state, String(format: trim, 600))?.kind == .sandbox)
    }

    @Test("an overlong pattern is refused")
    func overlongPattern() throws {
        try expectStopped("return ('abc'):find(('a'):rep(5000))", kind: .sandbox)
    }

    @Test("method calls on strings go through the guard")
    func methodSyntax() throws {
        try expectStopped("local s = ('a'):rep(3000) return s.find(s, '.-.-.-b')", kind: .sandbox)
    }
}
