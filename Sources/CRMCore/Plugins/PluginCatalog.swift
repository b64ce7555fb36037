import Foundation
import LuaBridge

/// The plugins found in the plugin folders: those that loaded, and those that failed with why.
/// A broken plugin never keeps the others from loading.
public final class PluginCatalog {
    public let plugins: [LoadedPlugin]
    public let failures: [PluginFailure]

    /// Names defined by more than one file; the files involved are in `failures` too.
    public let conflicts: [NameConflict]
    /// Plugin folders that do not exist or cannot be read.
    public let unreadableDirectories: [String]

    init(plugins: [LoadedPlugin], failures: [PluginFailure], conflicts: [NameConflict] = [], unreadableDirectories: [String] = []) {
        self.plugins = plugins
        self.failures = failures
        self.conflicts = conflicts
        self.unreadableDirectories = unreadableDirectories
    }

    /// Whether a file name is a plugin: `*.lua`, but not `*.d.lua` annotation files, hidden
    /// files or editor leftovers (`.#rfm.lua`, `#rfm.lua#`, `rfm.lua~`).
    static func isPluginFile(_ name: String) -> Bool {
        name.hasSuffix(".lua") && !name.hasSuffix(".d.lua") && !name.hasPrefix(".") && !name.hasPrefix("#")
    }

    /// Loads every plugin file (see `isPluginFile`) of `directories`, in name order. A name
    /// (plugin, segmentation, score, field, action, job) defined by two files loads neither: each becomes a
    /// failure naming the other file.
    public static func load(directories: [String], limits: LuaLimits = .standard) -> PluginCatalog {
        var loaded: [LoadedPlugin] = []
        var failures: [PluginFailure] = []
        var unreadable: [String] = []
        for directory in directories {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue,
                let names = try? FileManager.default.contentsOfDirectory(atPath: directory)
            else {
                unreadable.append(directory)
                continue
            }
            for name in names.filter(isPluginFile).sorted() {
                switch PluginLoader.load(file: (directory as NSString).appendingPathComponent(name), limits: limits) {
                case .failure(let failure): failures.append(failure)
                case .success(let plugin): loaded.append(plugin)
                }
            }
        }
        var names = DefinedNames()
        for plugin in loaded { names.add(plugin) }
        let conflicts = names.conflicts
        var conflicting: [String: [PluginProblem]] = [:]
        for conflict in conflicts {
            for file in conflict.files {
                let others = conflict.files.filter { $0 != file }.joined(separator: " and ")
                conflicting[file, default: []].append(PluginProblem(
                    file: file, message: "\(conflict.kind) '\(conflict.name)' is also defined by \(others); neither is loaded"))
            }
        }
        let named = loaded.filter { conflicting[$0.file] == nil }
        failures += loaded.compactMap { plugin in conflicting[plugin.file].map { PluginFailure(file: plugin.file, problems: $0) } }
        // Actions may follow any plugin's segmentation: checked once all are loaded.
        let known = named.flatMap(\.definition.segmentations)
        var plugins: [LoadedPlugin] = []
        for plugin in named {
            let problems = triggerProblems(of: plugin, known: known)
            if problems.isEmpty { plugins.append(plugin) } else { failures.append(PluginFailure(file: plugin.file, problems: problems)) }
        }
        return PluginCatalog(plugins: plugins, failures: failures, conflicts: conflicts, unreadableDirectories: unreadable)
    }

    /// Triggers of `plugin`'s actions that name a segmentation or segment not in `known`.
    public static func triggerProblems(of plugin: LoadedPlugin, known: [SegmentationDefinition]) -> [PluginProblem] {
        let locator = SourceLocator(source: plugin.source)
        var problems: [PluginProblem] = []
        for action in plugin.definition.actions {
            let trigger = action.trigger
            let path = ["actions", action.name]
            func problem(_ keys: [String], _ message: String) {
                problems.append(PluginProblem(
                    file: plugin.file, line: locator.line(of: path + keys), keyPath: PluginSchema.render(path + keys), message: message))
            }
            guard let segmentation = known.first(where: { $0.name == trigger.segmentation }) else {
                let names = known.map(\.name).sorted()
                problem(["segmentation"], "no segmentation named '\(trigger.segmentation)'"
                    + (names.isEmpty ? " (no loaded plugin defines one; name the plugin folder with --plugins DIR)" : " (known: \(names.joined(separator: ", ")))"))
                continue
            }
            for segment in trigger.segments where !segmentation.segments.contains(segment) {
                problem([trigger.kind.rawValue], "\"\(segment)\" is not a segment of \(segmentation.name) (segments: \(segmentation.segments.joined(separator: ", ")))")
            }
        }
        return problems
    }

    /// Every follow-up action of every loaded plugin, in plugin then name order.
    public var actions: [(plugin: LoadedPlugin, action: ActionDefinition)] {
        plugins.flatMap { plugin in plugin.definition.actions.map { (plugin, $0) } }
    }

    /// Loads and validates a single file, as `crm plugin check` does before it is dropped in.
    public static func check(file: String, limits: LuaLimits = .standard) -> Result<LoadedPlugin, PluginFailure> {
        PluginLoader.load(file: file, limits: limits)
    }

    public func plugin(named name: String) -> LoadedPlugin? {
        plugins.first { $0.name == name }
    }

    /// The segmentation with this name and the plugin defining it.
    public func segmentation(named name: String) -> (plugin: LoadedPlugin, segmentation: SegmentationDefinition)? {
        for plugin in plugins {
            if let segmentation = plugin.definition.segmentations.first(where: { $0.name == name }) {
                return (plugin, segmentation)
            }
        }
        return nil
    }

    /// Every custom field of every loaded plugin, in plugin then name order.
    public var fields: [CustomField] {
        plugins.flatMap { plugin in plugin.definition.fields.map { CustomField(plugin: plugin, definition: $0) } }
    }

    /// The profile the loaded plugins need: the union of their declarations (the standard
    /// profile when none is loaded).
    public var profileShape: ProfileShape {
        ProfileShape(declarations: plugins.map(\.definition.profile))
    }

    /// The interaction kinds `crm import interactions` accepts: the built-in ones and those the
    /// loaded plugins declare.
    public var interactionKinds: [String] { profileShape.interactionKinds }

    public func field(named name: String) -> CustomField? {
        fields.first { $0.name == name }
    }

    /// Every segmentation of every loaded plugin, in plugin then name order.
    public var segmentations: [(plugin: LoadedPlugin, segmentation: SegmentationDefinition)] {
        plugins.flatMap { plugin in plugin.definition.segmentations.map { (plugin, $0) } }
    }
}
