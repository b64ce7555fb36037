/// Classifies every customer of a profile table with one segmentation of one plugin and returns
/// the segments; reads nothing but the profiles and the plugin's parameters, writes nothing.
/// Backtests use it to segment as of a past instant with the installed or a candidate plugin,
/// through the same classification a run uses (`SegmentClassification`, both cores).
struct SegmentClassifier {
    let plugin: LoadedPlugin
    let segmentation: SegmentationDefinition

    /// Each profile row's segment, in row order.
    func classify(_ profiles: ProfileTable, database: CRMDatabase) throws -> [String] {
        let statistics = PopulationStatistics(table: profiles)
        let inputs = try PopulationInputs(needs: segmentation, plugin: plugin, profiles: profiles, statistics: statistics, database: database)
        let classified = try SegmentClassification.classify(segmentation, of: plugin, profiles: profiles, inputs: inputs, states: .perCore)
        return classified.codes.map { segmentation.segments[Int($0)] }
    }
}
