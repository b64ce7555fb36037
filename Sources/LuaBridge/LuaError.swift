/// An error raised while loading or running a plugin's Lua code.
///
/// Every error names the plugin (the chunk name its state was created with), and where Lua
/// knows it, the line and function:
/// `plugins/vip.lua:12: in function 'classify': attempt to compare nil with number`.
public struct LuaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, so callers can decide whether to retry, skip or report.
    public enum Kind: String, Sendable, Equatable {
        /// The source did not compile.
        case syntax
        /// The code raised an error (`error(...)`, a bad operation, a failed host function).
        case runtime
        /// The state's memory cap was reached.
        case memory
        /// The instruction budget of one call was spent.
        case budget
        /// The wall-clock limit of one call passed.
        case timeout
        /// The code returned something the host cannot accept.
        case badReturn
        /// The code tried something the sandbox forbids.
        case sandbox
    }

    /// What went wrong.
    public var kind: Kind
    /// The plugin: the chunk name its state was created with.
    public var plugin: String
    /// The line in the plugin's source, when known.
    public var line: Int?
    /// The Lua function that failed, when known.
    public var function: String?
    /// The message without its `chunk:line:` prefix.
    public var message: String
    /// Lua's stack traceback, empty when Lua could not produce one (memory errors).
    public var traceback: String

    /// Creates an error; the bridge fills these in, tests and hosts may build their own.
    public init(
        kind: Kind, plugin: String, line: Int? = nil, function: String? = nil, message: String,
        traceback: String = ""
    ) {
        self.kind = kind
        self.plugin = plugin
        self.line = line
        self.function = function
        self.message = message
        self.traceback = traceback
    }

    /// `plugin:line: in function 'name': message`, leaving out what is unknown.
    public var description: String {
        var text = plugin
        if let line { text += ":\(line)" }
        text += ":"
        if let function, !function.isEmpty { text += " in function '\(function)':" }
        return text + " " + message
    }
}
