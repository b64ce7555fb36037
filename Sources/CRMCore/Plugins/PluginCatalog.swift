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
                    for job in plugin.definition.jobs { jobNames[job.name] = file }
                    plugins.append(plugin)
                }
            }
        }
        return PluginCatalog(plugins: plugins, failures: failures)
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
