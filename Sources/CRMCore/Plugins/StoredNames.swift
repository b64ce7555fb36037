/// Names a command may be asked about: those the loaded plugins define plus those with stored
/// values (the memberships or scores of a plugin that has since been removed still count).
extension PluginCatalog {
    public func segmentationNames(storedIn database: CRMDatabase) throws -> [String] {
        Set(segmentations.map(\.segmentation.name) + (try database.segmentSizes().map(\.segmentation))).sorted()
    }

    public func scoreNames(storedIn database: CRMDatabase) throws -> [String] {
        Set(plugins.flatMap { $0.definition.scores.map(\.name) } + (try database.scoreNames())).sorted()
    }
}
