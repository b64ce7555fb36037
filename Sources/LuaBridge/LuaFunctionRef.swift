import CLua

/// A Lua function kept alive in its state's registry, callable many times without
/// compiling or looking it up again.
///
/// Get one from a value a plugin returned (`LuaValue.function`) and pass it to
/// ``LuaState/call(_:_:)`` or ``LuaState/call(_:record:context:)`` on the same state.
public final class LuaFunctionRef: Hashable {
    let state: LuaState
    let reference: Int32
    /// The name the function was found under (a table key), used in error messages.
    public let name: String?

    init(state: LuaState, reference: Int32, name: String?) {
        self.state = state
        self.reference = reference
        self.name = name
    }

    deinit { state.release(reference) }

    public static func == (lhs: LuaFunctionRef, rhs: LuaFunctionRef) -> Bool { lhs === rhs }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}
