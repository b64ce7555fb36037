import Dispatch
import Foundation
import LuaBridge

/// Every customer's new segment (a code: the index of the declared segment), from a
/// segmentation's `classify`, computed by one Lua state per core on disjoint, consecutive
/// ranges of customers and merged in customer order, so the result is the one a single state
/// gives. The second state is the plugin file loaded once more (`LoadedPlugin.twin`), with the
/// same limits; a plugin error names the first failing customer in customer order, as one
/// state would.
struct SegmentClassification {
    /// Each profile row's segment code, in row order.
    var codes: [Int16]
    /// Customers per declared segment.
    var counts: [Int]
    /// Time spent in Lua: the longest of the states' (they run at the same time).
    var luaTime: Duration

    /// How many states classify at once.
    struct States: Sendable {
        /// At most this many states.
        var count: Int
        /// A second state is used only when each gets at least this many customers.
        var minimumCustomersEach: Int

        /// One state per core, at most two; a second only for 5,000 customers each or more.
        static let perCore = States(count: min(2, max(1, ProcessInfo.processInfo.activeProcessorCount)), minimumCustomersEach: 5_000)
        static let one = States(count: 1, minimumCustomersEach: 1)
    }

    /// Wraps `classify(c, p)` as `f(c)` so the hot call passes one reused table.
    static let wrapperSource = "return function(classify, p) return function(c) return classify(c, p) end end"

    /// The same for a segmentation with `explain`: the second function explains the segment the
    /// first one has just returned for the same customer.
    static let explainingWrapperSource = """
        return function(classify, explain, p)
          local last
          return function(c) local segment, reason = classify(c, p); last = segment; return segment, reason end,
                 function(c) return explain(c, p, last) end
        end
        """

    static func classify(
        _ segmentation: SegmentationDefinition, of plugin: LoadedPlugin, profiles: ProfileTable, inputs: PopulationInputs, states: States,
        progress: ProgressReporter? = nil
    ) throws(SegmentationError) -> SegmentClassification {
        let ranges = split(profiles.count, states: states)
        // The states: the plugin's own, then its twins (loaded once, kept with the plugin).
        var plugins = [plugin]
        for _ in 1..<ranges.count {
            do { plugins.append(try plugin.twin()) } catch {
                throw SegmentationError(
                    segmentation: segmentation.name, file: plugin.file, function: nil, customerID: nil,
                    message: "cannot load a second state: \(error)")
            }
        }
        let parts = ranges.map { _ in Part() }
        inParallel(ranges.count) { index in
            parts[index].classify(
                segmentation.name, declared: segmentation.segments, of: plugins[index], profiles: profiles, inputs: inputs, rows: ranges[index],
                progress: progress)
        }
        var codes: [Int16] = []
        codes.reserveCapacity(profiles.count)
        var luaTime = Duration.zero
        for part in parts {
            if let error = part.error { throw error }
            codes += part.codes
            luaTime = max(luaTime, part.luaTime)
        }
        var counts = [Int](repeating: 0, count: segmentation.segments.count)
        for code in codes { counts[Int(code)] += 1 }
        return SegmentClassification(codes: codes, counts: counts, luaTime: luaTime)
    }

    /// Consecutive ranges of rows, one per state used.
    static func split(_ count: Int, states: States) -> [Range<Int>] {
        let used = max(1, min(states.count, count / max(1, states.minimumCustomersEach)))
        return (0..<used).map { part in (count * part / used)..<(count * (part + 1) / used) }
    }

    /// One state's share of the work; only its own thread touches it until all have finished.
    private final class Part: @unchecked Sendable {
        var codes: [Int16] = []
        var error: SegmentationError?
        var luaTime = Duration.zero

        func classify(
            _ name: String, declared segments: [String], of plugin: LoadedPlugin, profiles: ProfileTable, inputs: PopulationInputs,
            rows: Range<Int>, progress: ProgressReporter?
        ) {
            guard let segmentation = plugin.definition.segmentations.first(where: { $0.name == name }) else {
                error = SegmentationError(segmentation: name, file: plugin.file, function: nil, customerID: nil, message: "segmentation missing")
                return
            }
            let declared = Dictionary(uniqueKeysWithValues: segments.enumerated().map { ($1, Int16($0)) })
            codes.reserveCapacity(rows.count)
            do {
                try ProfileLoop(plugin: plugin, profiles: profiles, inputs: inputs, subject: name, functionName: "classify").run(
                    function: segmentation.classify, rows: rows, wrapperSource: SegmentClassification.wrapperSource, luaTime: &luaTime
                ) { customer, segment, _ throws(SegmentationError) in
                    guard let segment else {
                        throw SegmentationError(
                            segmentation: name, file: plugin.file, function: "classify", customerID: profiles.ids[customer],
                            message: "returned no segment; expected one of: \(segments.joined(separator: ", "))")
                    }
                    guard let code = declared[segment] else {
                        throw SegmentationError(
                            segmentation: name, file: plugin.file, function: "classify", customerID: profiles.ids[customer],
                            message: "returned \"\(segment)\", which is not a declared segment (declared: \(segments.joined(separator: ", ")))")
                    }
                    codes.append(code)
                    if codes.count % 1024 == 0 { progress?.advance(by: 1024) }
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
