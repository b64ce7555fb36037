import CLua

/// One plugin's sandboxed Lua 5.4 state.
///
/// The state opens only `base` (without `dofile`, `loadfile`, `print`, binary `load`),
/// `coroutine`, `table`, `string` (without `dump`), `math` and `utf8`; it has a memory cap,
/// and each call from the host gets an instruction budget and a wall-clock limit. Every
/// failure is a ``LuaError`` naming the plugin. All Lua work runs on the state's
/// ``LuaThread``; the methods hop onto it and block, so wrap a hot loop in ``perform(_:)``
/// to stay on that thread.
///
/// ```swift
/// let state = try LuaState(name: "plugins/vip.lua")
/// let plugin = try state.run(source)
/// let classify = plugin.first?["classify"]?.functionValue
/// ```
public final class LuaState {
    /// The plugin name used as chunk name and in every error.
    public let name: String
    /// The limits this state enforces.
    public let limits: LuaLimits
    /// The thread that runs this state's Lua code.
    public let thread: LuaThread

    let main: OpaquePointer
    let control: UnsafeMutablePointer<crm_ctl>
    // Read or written on every call, only on the state's own thread (`thread`): not checked for
    // exclusive access at run time, which cost a thread-local access set per property per call.
    /// The Lua thread (coroutine) in which a Swift callback is running, if any.
    @exclusivity(unchecked) private(set) var active: OpaquePointer
    @exclusivity(unchecked) private var depth = 0
    @exclusivity(unchecked) private var callbacks: [([LuaValue]) throws -> [LuaValue]] = []
    @exclusivity(unchecked) private var released: [Int32] = []

    /// Creates a sandboxed state for the plugin `name` (for example `plugins/vip.lua`).
    public init(name: String, limits: LuaLimits = .standard, thread: LuaThread = LuaThread())
        throws(LuaError)
    {
        self.name = name
        self.limits = limits
        self.thread = thread
        control = .allocate(capacity: 1)
        control.initialize(to: crm_ctl())
        control.pointee.limit = limits.memory
        control.pointee.budget = limits.instructions
        control.pointee.timeout = limits.timeout
        control.pointee.pattern_limit = limits.patternWork
        control.pointee.pattern_length = limits.patternLength
        guard let lua = lua_newstate(crm_alloc, control) else {
            control.deallocate()
            throw LuaError(kind: .memory, plugin: name, message: "cannot create a Lua state")
        }
        main = lua
        active = lua
        control.pointee.dispatch = dispatchToSwift
        control.pointee.host = Unmanaged.passUnretained(self).toOpaque()
        guard crm_sandbox(lua) == LUA_OK else {
            throw LuaError(kind: .memory, plugin: name, message: "memory limit too small for the sandbox")
        }
        LuaWatchdog.shared.watch(control, plugin: name, timeout: limits.timeout)
    }

    deinit {
        LuaWatchdog.shared.forget(control)
        lua_close(main)
        crm_stage_free(&control.pointee.stage)
        control.deallocate()
    }

    /// Bytes the state currently holds.
    public var memoryInUse: Int { control.pointee.used }

    /// Runs `body` on the state's thread, where every call on the state is direct.
    public func perform<T, E: Error>(_ body: (LuaState) throws(E) -> T) throws(E) -> T {
        try thread.run { () throws(E) -> T in try body(self) }
    }

    /// Compiles `source` as a text chunk and runs it, returning what it returns.
    @discardableResult
    public func run(_ source: String, chunkName: String? = nil) throws(LuaError) -> [LuaValue] {
        try thread.run { () throws(LuaError) -> [LuaValue] in
            let chunk = try load(source, chunkName: chunkName ?? name)
            return try call(chunk, [])
        }
    }

    /// Calls a function with arguments and returns all its results.
    public func call(_ function: LuaFunctionRef, _ arguments: [LuaValue] = []) throws(LuaError)
        -> [LuaValue]
    {
        try thread.run { () throws(LuaError) -> [LuaValue] in
            try check(function)
            return try protected(function.name) { lua throws(LuaError) in
                do throws(LuaStager.Refusal) {
                    try LuaStager(stage: crm_getstage(control), state: self).stage(arguments)
                } catch {
                    throw LuaError(kind: .runtime, plugin: name, message: error.message)
                }
                return crm_call(lua, function.reference)
            } results: { lua, first, count throws(LuaError) in
                var reader = LuaReader(lua: lua, state: self)
                do throws(LuaReader.Refusal) { return try reader.values(from: first, count: count) } catch {
                    throw refusal(error, in: function.name)
                }
            }
        }
    }

    /// The hot path: calls `function(record, context)` and reads two results that must be
    /// strings or nil, such as a segment and a reason. (It repeats `firstResult`'s steps on
    /// purpose: sharing them through a generic function with a reading closure took about 2% more
    /// CPU in a re-run of all eight at L, five alternating pairs.)
    public func call(_ function: LuaFunctionRef, record: LuaRecord, context: LuaRecord? = nil)
        throws(LuaError) -> (String?, String?)
    {
        try thread.run { () throws(LuaError) -> (String?, String?) in
            try check(function)
            guard record.state === self, context.map({ $0.state === self }) ?? true else {
                throw LuaError(kind: .runtime, plugin: name, message: "record belongs to another Lua state")
            }
            return try protected(function.name) { lua throws(LuaError) in
                crm_record_call(lua, function.reference, record.record, context?.record, 2)
            } results: { lua, first, _ throws(LuaError) in
                let reader = LuaReader(lua: lua, state: self)
                do throws(LuaReader.Refusal) {
                    return (
                        try reader.optionalString(at: first, role: "first result"),
                        try reader.optionalString(at: first + 1, role: "second result")
                    )
                } catch {
                    throw refusal(error, in: function.name)
                }
            }
        }
    }

    /// Calls `function(record, context)` and reads its first result as a value (a list of
    /// effects, a boolean): the arguments are reused tables, so nothing is staged per call.
    public func firstResult(of function: LuaFunctionRef, record: LuaRecord, context: LuaRecord? = nil) throws(LuaError) -> LuaValue {
        try thread.run { () throws(LuaError) -> LuaValue in
            try check(function)
            guard record.state === self, context.map({ $0.state === self }) ?? true else {
                throw LuaError(kind: .runtime, plugin: name, message: "record belongs to another Lua state")
            }
            return try protected(function.name) { lua throws(LuaError) in
                crm_record_call(lua, function.reference, record.record, context?.record, 1)
            } results: { lua, first, count throws(LuaError) in
                var reader = LuaReader(lua: lua, state: self)
                do throws(LuaReader.Refusal) { return try reader.values(from: first, count: count).first ?? .nil } catch {
                    throw refusal(error, in: function.name)
                }
            }
        }
    }

    /// Creates a reusable table with the given fields for ``call(_:record:context:)``.
    public func makeRecord(fields: [String]) throws(LuaError) -> LuaRecord {
        try thread.run { () throws(LuaError) -> LuaRecord in
            let record = LuaRecord(state: self, fields: fields)
            let keys = fields.map { strdup($0) }
            defer { keys.forEach { free($0) } }
            let status = keys.map { UnsafePointer($0) }.withUnsafeBufferPointer {
                crm_record_create(active, record.record, $0.baseAddress)
            }
            guard status == LUA_OK else {
                throw LuaError(kind: .memory, plugin: name, message: "cannot create a record")
            }
            return record
        }
    }

    /// Makes a Swift function callable from Lua as `table.name`, or as the global `name` when
    /// `table` is nil. It receives the Lua arguments; what it throws becomes a Lua error at the
    /// calling line. The state keeps `body` for its lifetime: capture the state itself
    /// `unowned` or `weak` to avoid a cycle.
    public func register(
        table: String? = nil, name function: String,
        _ body: @escaping ([LuaValue]) throws -> [LuaValue]
    ) throws(LuaError) {
        try thread.run { () throws(LuaError) in
            callbacks.append(body)
            let id = Int32(callbacks.count - 1)
            let status = function.withCString { name in
                guard let table else { return crm_register(active, nil, name, id) }
                return table.withCString { crm_register(active, $0, name, id) }
            }
            guard status == LUA_OK else {
                throw LuaError(kind: .memory, plugin: name, message: "cannot register '\(function)'")
            }
        }
    }

    /// Called by the C trampoline on the Lua thread; stages results or an error message.
    fileprivate func dispatch(_ lua: OpaquePointer, _ id: Int32) -> Int32 {
        let outer = active
        active = lua
        defer { active = outer }
        let stager = LuaStager(stage: crm_getstage(control), state: self)
        do {
            var reader = LuaReader(lua: lua, state: self)
            let arguments = try reader.values(from: 1, count: lua_gettop(lua))
            let results = try callbacks[Int(id)](arguments)
            try stager.stage(results)
            return 0
        } catch {
            let message: String
            switch error {
            case let error as LuaError: message = error.message
            case let error as LuaReader.Refusal: message = error.message
            case let error as LuaStager.Refusal: message = error.message
            default: message = String(describing: error)
            }
            do { try stager.stage([.string(message)]) } catch { return Int32(CRM_CALLBACK_NOMEM) }
            return Int32(CRM_CALLBACK_ERROR)
        }
    }

    /// Frees a registry slot before the next call (a reference may die inside a call).
    func release(_ reference: Int32) {
        released.append(reference)
    }

    private func check(_ function: LuaFunctionRef) throws(LuaError) {
        guard function.state === self else {
            throw LuaError(kind: .runtime, plugin: name, message: "function belongs to another Lua state")
        }
    }

    private func load(_ source: String, chunkName: String) throws(LuaError) -> LuaFunctionRef {
        var source = source
        if depth == 0 { crm_begin(control) }  // no stale error location from an earlier call
        let status = source.withUTF8 { text in
            ("@" + chunkName).withCString { luaL_loadbufferx(active, text.baseAddress, text.count, $0, "t") }
        }
        defer { crm_pop(active, 1) }
        guard status == LUA_OK else { throw error(status: status, label: nil) }
        var reference: Int32 = 0
        guard crm_ref(active, -1, &reference) == LUA_OK else { throw error(status: LUA_ERRMEM, label: nil) }
        return LuaFunctionRef(state: self, reference: reference, name: nil)
    }

    /// Runs one protected operation: resets the budget for a top-level call, turns a failed
    /// status into a LuaError and always restores the stack.
    private func protected<T>(
        _ label: String?, _ body: (OpaquePointer) throws(LuaError) -> Int32,
        results: (OpaquePointer, Int32, Int32) throws(LuaError) -> T
    ) throws(LuaError) -> T {
        let lua = active
        for reference in released { crm_unref(lua, reference) }
        released.removeAll()
        if depth == 0 {
            crm_begin(control)
            crm_watch_enter(control)
        }
        depth += 1
        let base = lua_gettop(lua)
        defer {
            lua_settop(lua, base)
            depth -= 1
            if depth == 0 { crm_watch_leave(control) }
        }
        let status = try body(lua)
        guard status == LUA_OK else { throw error(status: status, label: label) }
        // A call that spent its budget fails even if the plugin caught every error.
        guard control.pointee.exhausted == CRM_RUNNING else { throw error(status: status, label: label) }
        return try results(lua, base + 1, lua_gettop(lua) - base)
    }
}

/// The Swift entry of the C trampoline.
private let dispatchToSwift: crm_dispatch_fn = { host, lua, id in
    guard let host, let lua else { return Int32(CRM_CALLBACK_ERROR) }
    return Unmanaged<LuaState>.fromOpaque(host).takeUnretainedValue().dispatch(lua, id)
}
