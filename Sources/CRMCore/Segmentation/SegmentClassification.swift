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

    typealias States = ParallelProfileLoop.States

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
        let name = segmentation.name, segments = segmentation.segments
        let declared = Dictionary(uniqueKeysWithValues: segments.enumerated().map { ($1, Int16($0)) })
        let loop = ParallelProfileLoop(
            plugin: plugin, profiles: profiles, inputs: inputs, subject: name, functionName: "classify",
            function: { state in state.definition.segmentations.first(where: { $0.name == name })?.classify },
            wrapperSource: wrapperSource, states: states, progress: progress)
        let (codes, luaTime) = try loop.run { customer, segment, _ throws(SegmentationError) -> Int16 in
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
            return code
        }
        var counts = [Int](repeating: 0, count: segments.count)
        for code in codes { counts[Int(code)] += 1 }
        return SegmentClassification(codes: codes, counts: counts, luaTime: luaTime)
    }
}
