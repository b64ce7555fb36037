import ArgumentParser
import CRMCore

extension GlobalOptions {
    /// The loaded segmentation called `name`, or an error listing the known ones.
    func segmentation(named name: String) throws -> SegmentationDefinition {
        let catalog = loadPlugins(quiet: true)
        guard let found = catalog.segmentation(named: name) else {
            let known = catalog.segmentations.map(\.segmentation.name)
            throw CRMError.notFound(
                "no segmentation named '\(name)'" + (known.isEmpty ? " (no plugins are loaded)" : " (known: \(known.joined(separator: ", ")))"))
        }
        return found.segmentation
    }
}

/// Parses `--window 90d`.
func parseWindow(_ text: String) throws -> EvaluationWindow {
    do {
        return try EvaluationWindow.parse(text)
    } catch let error as CRMError {
        throw ValidationError("--window: \(error.description)")
    }
}
