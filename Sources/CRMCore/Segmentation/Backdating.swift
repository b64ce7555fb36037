/// A run whose as-of is earlier than the segmentation's latest run would move memberships back
/// in time: refused unless the caller asks to rewind.
extension SegmentationEngine {
    /// Throws for the first of `selected` whose latest succeeded run is later than `asOf`.
    func refuseBackdating(_ selected: [(LoadedPlugin, SegmentationDefinition)], asOf: Timestamp) throws {
        for (_, segmentation) in selected {
            let latest = try database.read { db in try RunLog.latestAsOf(db, kind: .segmentation, subject: segmentation.name) }
            if let latest, latest > asOf {
                throw CRMError.invalidArgument(
                    "segmentation '\(segmentation.name)' was last run as of \(latest.iso8601), later than \(asOf.iso8601): "
                        + "use --dry-run to see the segments as of \(asOf.iso8601) without writing anything, "
                        + "`crm segment backtest \(segmentation.name) --as-of \(asOf.iso8601) --window 90d` to see how they predicted "
                        + "what came after, or --rewind to rewrite the current memberships as of that date (customers created after "
                        + "it lose their memberships)")
            }
        }
    }

    /// The segmentations among `names` whose latest run is as of an instant later than `asOf`
    /// (a job catching up a missed slot after someone ran them by hand).
    public func segmentationsRunAfter(_ names: [String], asOf: Timestamp) throws -> [String] {
        try database.read { db in
            try names.filter { name in
                try RunLog.latestAsOf(db, kind: .segmentation, subject: name).map { $0 > asOf } ?? false
            }
        }
    }
}
