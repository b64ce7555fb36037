import Foundation
import LuaBridge

/// Loads one plugin file: reads it, runs it in a fresh sandboxed state and validates the table
/// it returns. Nothing of one plugin's state is shared with another's.
enum PluginLoader {
    static func load(file: String, limits: LuaLimits = .standard) -> Result<LoadedPlugin, PluginFailure> {
        func failure(_ message: String, line: Int? = nil, keyPath: String = "") -> Result<LoadedPlugin, PluginFailure> {
            .failure(PluginFailure(file: file, problems: [PluginProblem(file: file, line: line, keyPath: keyPath, message: message)]))
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            return .failure(PluginFailure(file: file, problems: [PluginProblem(file: file, line: nil, keyPath: "", message: "cannot read the file")]))
        }
        return load(file: file, data: data, limits: limits)
    }

    /// Loads a plugin from the bytes of its file (a second state of an already loaded plugin
    /// uses the bytes the first one was loaded from, not the file as it may be now).
    static func load(file: String, data: Data, limits: LuaLimits) -> Result<LoadedPlugin, PluginFailure> {
        func failure(_ message: String, line: Int? = nil, keyPath: String = "") -> Result<LoadedPlugin, PluginFailure> {
            .failure(PluginFailure(file: file, problems: [PluginProblem(file: file, line: line, keyPath: keyPath, message: message)]))
        }
        guard let source = String(data: data, encoding: .utf8) else {
            return failure("the file is not UTF-8 text")
        }
        let state: LuaState
        let fieldSource: ProfileFieldSource
        let returned: [LuaValue]
        do {
            state = try LuaState(name: file, limits: limits)
            try PluginAPI.install(in: state)
            fieldSource = try ProfileFieldSource(registeringIn: state)
            returned = try state.run(source)
        } catch {
            return failure(error.message, line: error.line)
        }
        guard returned.count == 1 else {
            return failure("the file must return exactly one table (return { name = ..., ... }), it returned \(returned.count) values")
        }
        var schema = PluginSchema()
        let definition = schema.validate(returned[0])
        let locator = SourceLocator(source: source)
        if let definition, schema.problems.isEmpty {
            return .success(LoadedPlugin(
                file: file, hash: SHA256.hex(Array(data)), source: source, definition: definition, state: state,
                profileFieldSource: fieldSource))
        }
        let problems = schema.problems.map {
            PluginProblem(file: file, line: locator.line(of: $0.path), keyPath: PluginSchema.render($0.path), message: $0.message)
        }
        return .failure(PluginFailure(file: file, problems: problems))
    }
}
