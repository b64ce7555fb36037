/// Something wrong with a plugin file, located for its author: file, line when known, the key
/// path inside the plugin table, and what to do.
///
/// Reads like `plugins/vip.lua:14: segmentations.vip.segments[3]: expected a string, got a number`.
public struct PluginProblem: Error, Equatable, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int?
    /// Where in the plugin table, e.g. `segmentations.vip.rank.r.by`; empty for the file itself.
    public let keyPath: String
    public let message: String

    public init(file: String, line: Int? = nil, keyPath: String = "", message: String) {
        self.file = file
        self.line = line
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if !keyPath.isEmpty { text += keyPath + ": " }
        return text + message
    }
}

/// A plugin that could not be loaded, with every problem found in it.
public struct PluginFailure: Error, Equatable, Sendable, CustomStringConvertible {
    public let file: String
    public let problems: [PluginProblem]

    public init(file: String, problems: [PluginProblem]) {
        self.file = file
        self.problems = problems
    }

    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}
