import Foundation
import LuaBridge

/// A plugin file loaded into its own sandboxed Lua state and validated.
public final class LoadedPlugin {
    /// The file as found (e.g. `plugins/vip.lua`); also the Lua chunk name in errors.
    public let file: String
    /// SHA-256 of the file's bytes, recorded with every run.
    public let hash: String
    public let definition: PluginDefinition
    let source: String
    let state: LuaState
    private var cachedFieldChecker: LuaFunctionRef?
    /// Serves profile fields the hot loop did not set (see `ProfileFieldSource`).
    let profileFieldSource: ProfileFieldSource

    /// The compiled Lua function that runs fields' `pattern` and `validate` checks.
    func fieldChecker() throws -> LuaFunctionRef {
        if let cachedFieldChecker { return cachedFieldChecker }
        guard let checker = try state.run(CustomField.checkerSource, chunkName: "=crm").first?.functionValue else {
            throw LuaError(kind: .runtime, plugin: file, message: "cannot prepare the field checks")
        }
        cachedFieldChecker = checker
        return checker
    }

    private var cachedTwin: LoadedPlugin?

    /// The same plugin loaded into a second `LuaState` (its own thread, the same limits), made
    /// on first use and kept: a run classifies with one state per core.
    func twin() throws -> LoadedPlugin {
        if let cachedTwin { return cachedTwin }
        switch PluginLoader.load(file: file, data: Data(source.utf8), limits: state.limits) {
        case .success(let twin):
            cachedTwin = twin
            return twin
        case .failure(let failure):
            throw failure
        }
    }

    init(file: String, hash: String, source: String, definition: PluginDefinition, state: LuaState, profileFieldSource: ProfileFieldSource) {
        self.profileFieldSource = profileFieldSource
        self.file = file
        self.hash = hash
        self.source = source
        self.definition = definition
        self.state = state
    }

    public var name: String { definition.name }
    public var version: String { definition.version }

    /// Declared segments that no string literal in the source returns: probably dead rules.
    public func unreachableSegments() -> [(segmentation: String, segment: String)] {
        var result: [(String, String)] = []
        for segmentation in definition.segmentations {
            for segment in segmentation.segments {
                let literal = "\"\(segment)\""
                let occurrences = source.components(separatedBy: literal).count - 1
                let declaredInExamples = segmentation.examples.filter { $0.segment == segment }.count
                if occurrences - declaredInExamples <= 1 { result.append((segmentation.name, segment)) }
            }
        }
        return result
    }
}
