/// The resources one plugin's state may use.
///
/// The memory cap covers everything the state allocates; the instruction budget and the
/// timeout apply to each call from the host (including the coroutines and nested `pcall`s it
/// runs), and are reset when the host calls again.
public struct LuaLimits: Sendable, Equatable {
    /// Bytes the state may hold at once.
    public var memory: Int
    /// Lua VM instructions one call may execute (counted in steps of 1,000).
    public var instructions: Int64
    /// Wall-clock seconds one call may take.
    public var timeout: Double
    /// Largest estimated backtracking work for one `string.find/match/gmatch/gsub`.
    public var patternWork: Double
    /// Longest pattern accepted by the string matching functions, in bytes.
    public var patternLength: Int

    /// Creates limits; the defaults suit a plugin's whole run of a segmentation.
    public init(
        memory: Int = 64 << 20, instructions: Int64 = 100_000_000, timeout: Double = 5,
        patternWork: Double = 1e8, patternLength: Int = 1024
    ) {
        self.memory = memory
        self.instructions = instructions
        self.timeout = timeout
        self.patternWork = patternWork
        self.patternLength = patternLength
    }

    /// 64 MiB, 100 million instructions and 5 seconds per call.
    public static let standard = LuaLimits()
}
