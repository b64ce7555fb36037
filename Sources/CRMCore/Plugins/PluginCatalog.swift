import Foundation
import LuaBridge

/// The plugins found in the plugin folders: those that loaded, and those that failed with why.
/// A broken plugin never keeps the others from loading.
public final class PluginCatalog {
    public let plugins: [LoadedPlugin]
    public let failures: [PluginFailure]

    init(plugins: [LoadedPlugin], failures: [PluginFailure]) {
        self.plugins = plugins
        self.failures = failures
    }

    /// Loads every `*.lua` file (except `*.d.lua` annotation files) of `directories`, in name order.
    public static func load(directories: [String], limits: LuaLimits = .standard) -> PluginCatalog {
        var plugins: [LoadedPlugin] = []
        var failures: [PluginFailure] = []
        var pluginNames: [String: String] = [:]
        var segmentationNames: [String: String] = [:]
        var fieldNames: [String: String] = [:]
        var actionNames: [String: String] = [:]
        var jobNames: [String: String] = [:]
        for directory in directories {
            let files: [String]
            do {
                files = try FileManager.default.contentsOfDirectory(atPath: directory)
                    .filter { $0.hasSuffix(".lua") && !$0.hasSuffix(".d.lua") }.sorted()
            } catch {
                failures.append(PluginFailure(file: directory, problems: [
                    PluginProblem(file: directory, message: "cannot read the plugin folder (pass --plugins DIR or set CRM_PLUGINS)"),
                ]))
                continue
            }
            for name in files {
                let file = (directory as NSString).appendingPathComponent(name)
                switch PluginLoader.load(file: file, limits: limits) {
                case .failure(let failure):
                    failures.append(failure)
                case .success(let plugin):
                    var conflicts: [PluginProblem] = []
                    if let other = pluginNames[plugin.name] {
                        conflicts.append(PluginProblem(file: file, keyPath: "name", message: "plugin name '\(plugin.name)' is already used by \(other)"))
                    }
                    for segmentation in plugin.definition.segmentations {
                        if let other = segmentationNames[segmentation.name] {
                            conflicts.append(PluginProblem(
                                file: file, keyPath: "segmentations.\(segmentation.name)",
                                message: "segmentation '\(segmentation.name)' is already defined by \(other)"))
                        }
                    }
                    for field in plugin.definition.fields {
                        if let other = fieldNames[field.name] {
                            conflicts.append(PluginProblem(
                                file: file, keyPath: "fields.\(field.name)",
                                message: "field '\(field.name)' is already declared by \(other)"))
                        }
                    }
                    for action in plugin.definition.actions {
                        if let other = actionNames[action.name] {
                            conflicts.append(PluginProblem(
                                file: file, keyPath: "actions.\(action.name)",
                                message: "action '\(action.name)' is already defined by \(other)"))
                        }
                    }
                    for job in plugin.definition.jobs {
                        if let other = jobNames[job.name] {
                            conflicts.append(PluginProblem(
                                file: file, line: SourceLocator(source: plugin.source).line(of: ["jobs", job.name]),
                                keyPath: "jobs.\(job.name)", message: "job '\(job.name)' is already defined by \(other)"))
                        }
                    }
                    if !conflicts.isEmpty {
                        failures.append(PluginFailure(file: file, problems: conflicts))
                        continue
                    }
                    pluginNames[plugin.name] = file
                    for segmentation in plugin.definition.segmentations { segmentationNames[segmentation.name] = file }
                    for field in plugin.definition.fields { fieldNames[field.name] = file }
                    for action in plugin.definition.actions { actionNames[action.name] = file }
                    for job in plugin.definition.jobs { jobNames[job.name] = file }
                    plugins.append(plugin)
                }
            }
        }
        // Actions may follow any plugin's segmentation: checked once all are loaded.
        let known = plugins.flatMap(\.definition.segmentations)
        var usable: [LoadedPlugin] = []
        for plugin in plugins {
            let problems = triggerProblems(of: plugin, known: known)
            if problems.isEmpty { usable.append(plugin) } else { failures.append(PluginFailure(file: plugin.file, problems: problems)) }
        }
        return PluginCatalog(plugins: usable, failures: failures)
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

    public func field(named name: String) -> CustomField? {
        fields.first { $0.name == name }
    }

    /// Every segmentation of every loaded plugin, in plugin then name order.
    public var segmentations: [(plugin: LoadedPlugin, segmentation: SegmentationDefinition)] {
        plugins.flatMap { plugin in plugin.definition.segmentations.map { (plugin, $0) } }
    }
}
