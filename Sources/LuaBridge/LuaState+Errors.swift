import CLua

/// Turning a failed protected call into a ``LuaError``.
extension LuaState {
    func refusal(_ refusal: LuaReader.Refusal, in function: String?) -> LuaError {
        LuaError(
            kind: refusal.outOfMemory ? .memory : .badReturn, plugin: name, function: function,
            message: refusal.message)
    }

    /// Builds the error for a call that failed or spent its budget; for a failed status the
    /// error object is on top of the active stack.
    func error(status: Int32, label: String?) -> LuaError {
        let control = control.pointee
        if status == LUA_ERRMEM {
            return LuaError(
                kind: .memory, plugin: name, function: label,
                message: "not enough memory (limit \(limits.memory) bytes)")
        }
        var message = LuaErrorMessage("")
        var traceback = ""
        if status != LUA_OK {
            var text = LuaReader(lua: active, state: self).string(at: -1) ?? "error object is not a string"
            let length = control.err_message_length
            if length > 0, length <= text.utf8.count {
                let split = text.utf8.index(text.utf8.startIndex, offsetBy: length)
                traceback = String(String(text[split...]).trimmingPrefix("\n"))
                text = String(text[..<split])
            }
            // Chunks are named after the state (the plugin file) or `=crm` for the host's own.
            message = LuaErrorMessage(text, chunks: [name, "crm"])
        }
        if control.err_line > 0 { message.line = Int(control.err_line) }
        let recorded = withUnsafeBytes(of: control.err_function) {
            String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
        }
        var error = LuaError(
            kind: control.violation != 0 ? .sandbox : .runtime, plugin: name, line: message.line,
            function: recorded.isEmpty ? label : recorded, message: message.message, traceback: traceback)
        // A spent budget explains the failure whatever error the plugin raised afterwards.
        switch (status, control.exhausted) {
        case (LUA_ERRSYNTAX, _): error.kind = .syntax
        case (_, Int32(CRM_BUDGET)):
            error.kind = .budget
            error.message = "instruction budget of \(limits.instructions) exceeded"
        case (_, Int32(CRM_DEADLINE)):
            error.kind = .timeout
            error.message = "time limit of \(limits.timeout) s exceeded"
        default: break
        }
        return error
    }
}
