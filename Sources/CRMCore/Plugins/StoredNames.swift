/// Names a command may be asked about: those the loaded plugins define plus those with stored
/// values (the memberships or scores of a plugin that has since been removed still count).
extension PluginCatalog {
    public func segmentationNames(storedIn database: CRMDatabase) throws -> [String] {
        Set(segmentations.map(\.segmentation.name) + (try database.segmentSizes().map(\.segmentation))).sorted()
    }

    public func scoreNames(storedIn database: CRMDatabase) throws -> [String] {
        Set(plugins.flatMap { $0.definition.scores.map(\.name) } + (try database.scoreNames())).sorted()
    }

    /// Throws "no segmentation named …" with a suggestion unless the plugins define `name` or
    /// memberships of it are stored (read only when the plugins do not define it).
    public func requireSegmentation(_ name: String, storedIn database: CRMDatabase) throws {
        if segmentation(named: name) != nil { return }
        let known = try segmentationNames(storedIn: database)
        if !known.contains(name) { throw NameSuggestion.unknown("segmentation", name, known: known) }
    }

    /// The same for a score.
    public func requireScore(_ name: String, storedIn database: CRMDatabase) throws {
        if plugins.contains(where: { $0.definition.scores.contains { $0.name == name } }) { return }
        let known = try scoreNames(storedIn: database)
        if !known.contains(name) { throw NameSuggestion.unknown("score", name, known: known) }
    }
}
