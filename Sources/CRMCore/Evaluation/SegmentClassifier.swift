/// Classifies every customer of a profile table with one segmentation of one plugin and returns
/// the segments; reads nothing but the profiles and the plugin's parameters, writes nothing.
/// Backtests use it to segment as of a past instant with the installed or a candidate plugin.
struct SegmentClassifier {
    let plugin: LoadedPlugin
    let segmentation: SegmentationDefinition

    /// Each profile row's segment, in row order.
    func classify(_ profiles: ProfileTable, database: CRMDatabase) throws -> [String] {
        let statistics = PopulationStatistics(table: profiles)
        let inputs = try PopulationInputs(needs: segmentation, plugin: plugin, profiles: profiles, statistics: statistics, database: database)
        var segments = [String](repeating: "", count: profiles.count)
        let declared = Set(segmentation.segments)
        var luaTime = Duration.zero
        let name = segmentation.name
        try ProfileLoop(plugin: plugin, profiles: profiles, inputs: inputs, subject: name, functionName: "classify").run(
            function: segmentation.classify, wrapperSource: SegmentClassification.wrapperSource, luaTime: &luaTime
        ) { customer, segment, _ throws(SegmentationError) in
            guard let segment, declared.contains(segment) else {
                throw SegmentationError(
                    segmentation: name, file: plugin.file, function: "classify", customerID: profiles.ids[customer],
                    message: "returned \(segment.map { "\"\($0)\", which is not a declared segment" } ?? "no segment") "
                        + "(declared: \(segmentation.segments.joined(separator: ", ")))")
            }
            segments[customer] = segment
        }
        return segments
    }
}
