import LuaBridge
import Testing

extension LuaLimits {
    /// Small limits so every attack ends in milliseconds.
    static let testing = LuaLimits(memory: 16 << 20, instructions: 2_000_000, timeout: 2)
}

/// A fresh sandboxed state named like a plugin file.
func makeState(_ name: String = "plugins/test.lua", limits: LuaLimits = .testing) throws -> LuaState {
    try LuaState(name: name, limits: limits)
}

/// Runs `source` and returns the LuaError it must raise.
func expectFailure(_ state: LuaState, _ source: String, sourceLocation: SourceLocation = #_sourceLocation)
    -> LuaError?
{
    do {
        let values = try state.run(source)
        Issue.record("expected a LuaError, got \(values)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// Checks that the state still runs code after an attack, and so does a new one.
func expectHealthy(_ state: LuaState, sourceLocation: SourceLocation = #_sourceLocation) throws {
    #expect(try state.run("local t = {} for i = 1, 100 do t[i] = i end return #t") == [.integer(100)],
            sourceLocation: sourceLocation)
    #expect(try makeState("plugins/other.lua").run("return ('ok'):upper()") == ["OK"],
            sourceLocation: sourceLocation)
}

/// Runs an attack: it must fail with `kind` and leave both the state and others working.
@discardableResult
func expectStopped(
    _ source: String, kind: LuaError.Kind, limits: LuaLimits = .testing,
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> LuaError? {
    let state = try makeState(limits: limits)
    let error = expectFailure(state, source, sourceLocation: sourceLocation)
    #expect(error?.kind == kind, "\(String(describing: error))", sourceLocation: sourceLocation)
    #expect(error?.plugin == "plugins/test.lua", sourceLocation: sourceLocation)
    try expectHealthy(state, sourceLocation: sourceLocation)
    return error
}
