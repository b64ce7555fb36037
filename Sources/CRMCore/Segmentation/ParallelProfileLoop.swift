import Dispatch
import Foundation
import LuaBridge

/// Calls a plugin function (`classify`, a field's `compute`) for every customer with one Lua
/// state per core, on disjoint, consecutive ranges of customers, and returns what `accept` made
/// of each call in customer order, so the result is the one a single state gives. The second
/// state is the plugin file loaded once more (`LoadedPlugin.twin`), with the same limits; an
/// error is the one of the first failing customer in customer order, as one state would give.
struct ParallelProfileLoop {
    /// How many states run at once.
    struct States: Sendable {
        /// At most this many states.
        var count: Int
        /// A second state is used only when each gets at least this many customers.
        var minimumCustomersEach: Int

        /// One state per core, at most two; a second only for 5,000 customers each or more.
        static let perCore = States(count: min(2, max(1, ProcessInfo.processInfo.activeProcessorCount)), minimumCustomersEach: 5_000)
        static let one = States(count: 1, minimumCustomersEach: 1)

        /// Consecutive ranges of `count` rows, one per state used.
        func split(_ rows: Int) -> [Range<Int>] {
            let used = max(1, min(count, rows / max(1, minimumCustomersEach)))
            return (0..<used).map { part in (rows * part / used)..<(rows * (part + 1) / used) }
        }
    }

    let plugin: LoadedPlugin
    let profiles: ProfileTable
    let inputs: PopulationInputs
    /// What failures are reported as: the segmentation or field name.
    let subject: String
    /// The function's name, for error messages.
    let functionName: String
    /// Finds the function in a state of the plugin (the plugin itself or a twin).
    let function: (LoadedPlugin) -> LuaFunctionRef?
    let wrapperSource: String
    var states = States.perCore
    var progress: ProgressReporter?

    /// Each customer's value, in row order, and the time spent in Lua (the longest of the
    /// states', which run at the same time). `accept` gets the customer's row and the two
    /// strings the wrapped function returned; it is called from the states' threads.
    func run<Value>(
        accept: @escaping (Int, String?, String?) throws(SegmentationError) -> Value
    ) throws(SegmentationError) -> (values: [Value], luaTime: Duration) {
        let ranges = states.split(profiles.count)
        // The states: the plugin's own, then its twins (loaded once, kept with the plugin).
        var plugins = [plugin]
        for _ in 1..<ranges.count {
            do { plugins.append(try plugin.twin()) } catch {
                throw SegmentationError(
                    segmentation: subject, file: plugin.file, function: nil, customerID: nil, message: "cannot load a second state: \(error)")
            }
        }
        let parts = ranges.map { _ in Part<Value>() }
        nonisolated(unsafe) let accept = accept
        inParallel(ranges.count) { index in
            // The first part has room for everyone's values: the others are appended to it, so
            // a million values are not copied into a fresh array.
            let capacity = index == 0 ? profiles.count : ranges[index].count
            parts[index].run(self, in: plugins[index], rows: ranges[index], capacity: capacity, accept: accept)
        }
        var luaTime = Duration.zero
        for part in parts {
            if let error = part.error { throw error }
            luaTime = max(luaTime, part.luaTime)
        }
        var values = parts[0].values
        parts[0].values = []  // `values` holds the only reference: appending does not copy
        for part in parts.dropFirst() { values += part.values }
        return (values, luaTime)
    }

    /// One state's share of the work; only its own thread touches it until all have finished.
    private final class Part<Value>: @unchecked Sendable {
        /// Appended to for every customer, by this part's thread only: not checked for exclusive
        /// access at run time (see `RowBuffer`).
        @exclusivity(unchecked) var values: [Value] = []
        var error: SegmentationError?
        var luaTime = Duration.zero

        func run(
            _ loop: ParallelProfileLoop, in plugin: LoadedPlugin, rows: Range<Int>, capacity: Int,
            accept: (Int, String?, String?) throws(SegmentationError) -> Value
        ) {
            guard let function = loop.function(plugin) else {
                error = SegmentationError(
                    segmentation: loop.subject, file: plugin.file, function: nil, customerID: nil, message: "\(loop.functionName) missing")
                return
            }
            values.reserveCapacity(capacity)
            do {
                try ProfileLoop(plugin: plugin, profiles: loop.profiles, inputs: loop.inputs, subject: loop.subject, functionName: loop.functionName)
                    .run(function: function, rows: rows, wrapperSource: loop.wrapperSource, luaTime: &luaTime) {
                        customer, first, second throws(SegmentationError) in
                        values.append(try accept(customer, first, second))
                        if values.count % 1024 == 0 { loop.progress?.advance(by: 1024) }
                    }
            } catch {
                self.error = error
            }
        }
    }
}

/// Runs `body(0)`, …, `body(count - 1)` at the same time (each on its own thread when more
/// than one) and returns when all have finished.
func inParallel(_ count: Int, _ body: (Int) -> Void) {
    if count == 1 { return body(0) }
    withoutActuallyEscaping(body) { body in
        nonisolated(unsafe) let body = body
        DispatchQueue.concurrentPerform(iterations: count) { body($0) }
    }
}
