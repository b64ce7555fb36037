extension PluginCatalog {
    /// The segmentation called `name` and its plugin, or an error naming the known ones.
    public func requireSegmentation(named name: String) throws -> (plugin: LoadedPlugin, segmentation: SegmentationDefinition) {
        if let found = segmentation(named: name) { return found }
        let known = segmentations.map(\.segmentation.name)
        throw CRMError.notFound(
            "no segmentation named '\(name)'" + (known.isEmpty ? " (no plugins are loaded)" : " (known: \(known.joined(separator: ", ")))"))
    }
}
