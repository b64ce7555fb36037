/// Every name the loaded plugins define, by kind, with the files defining it: the one place
/// that finds a name defined twice. A new kind (actions, jobs) is one case and one line in
/// `names(of:)`.
struct DefinedNames {
    enum Kind: String, CaseIterable, Sendable {
        case plugin, segmentation, score, field, action, job
    }

    private var files: [Kind: [String: [String]]] = [:]

    /// The names one plugin defines, by kind.
    static func names(of plugin: LoadedPlugin) -> [(Kind, String)] {
        let definition = plugin.definition
        return [(.plugin, definition.name)]
            + definition.segmentations.map { (.segmentation, $0.name) }
            + definition.scores.map { (.score, $0.name) }
            + definition.fields.map { (.field, $0.name) }
            + definition.actions.map { (.action, $0.name) }
            + definition.jobs.map { (.job, $0.name) }
    }

    mutating func add(_ plugin: LoadedPlugin) {
        for (kind, name) in Self.names(of: plugin) {
            files[kind, default: [:]][name, default: []].append(plugin.file)
        }
    }

    /// Every name defined by more than one file, in kind then name order.
    var conflicts: [NameConflict] {
        Kind.allCases.flatMap { kind in
            (files[kind] ?? [:]).filter { $0.value.count > 1 }.sorted { $0.key < $1.key }.map {
                NameConflict(kind: kind.rawValue, name: $0.key, files: $0.value)
            }
        }
    }
}

/// A plugin, segmentation, score, field, action or job name that two or more plugin files define. None of
/// them is loaded: which one was meant cannot be guessed.
public struct NameConflict: Sendable, Equatable, CustomStringConvertible {
    public let kind: String
    public let name: String
    public let files: [String]

    public var description: String {
        let list = files.dropLast().joined(separator: ", ") + " and " + (files.last ?? "")
        return "\(kind) '\(name)' is defined by \(files.count == 2 ? "both " : "")\(list); rename one or move it out of the plugin folder"
    }
}
