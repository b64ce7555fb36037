import ArgumentParser
import CRMCore

extension GlobalOptions {
    /// The loaded segmentation called `name`, or an error listing the known ones.
    func segmentation(named name: String) throws -> SegmentationDefinition {
        let found = try loadPlugins(required: false, warn: false).requireSegmentation(named: name)
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
