/// A segmentation run as of a past instant on the orders and interactions known then, measured
/// on the window after it (`crm segment backtest`); optionally side by side with a candidate
/// plugin file. Writes nothing: no run, membership or transition.
public struct Backtest: Sendable {
    /// One plugin's classification and what its segments' members did in the window.
    public struct Variant: Sendable, Equatable {
        public let plugin: PluginIdentity
        public let file: String
        public let rates: [SegmentRate]
        /// `SegmentRate.separation`: the AUC of the segments' observed repurchase rates.
        public let separation: Double?
    }

    public let segmentation: String
    public let asOf: Timestamp
    public let window: EvaluationWindow
    public let windowEnd: Timestamp
    /// The installed plugin first, then the candidate.
    public let variants: [Variant]

    /// Backtests `segmentation` of `catalog` as of `asOf`, and of the plugin in `candidateFile`.
    public static func run(
        _ database: CRMDatabase, catalog: PluginCatalog, segmentation name: String, asOf: Timestamp, window: EvaluationWindow,
        candidateFile: String? = nil, now: Timestamp = .now()
    ) throws -> Backtest {
        let installed = try catalog.requireSegmentation(named: name)
        var subjects = [(installed.plugin, installed.segmentation)]
        if let candidateFile {
            switch PluginCatalog.check(file: candidateFile) {
            case .failure(let failure):
                throw CRMError.invalidArgument("--plugin \(candidateFile) does not load: \(failure)")
            case .success(let plugin):
                guard let segmentation = plugin.definition.segmentations.first(where: { $0.name == name }) else {
                    throw CRMError.invalidArgument("--plugin \(candidateFile) defines no segmentation named '\(name)'")
                }
                subjects.append((plugin, segmentation))
            }
        }
        guard let first = try database.firstOrderInstant() else {
            throw CRMError.invalidArgument("there are no orders to backtest on; import orders first")
        }
        guard !(asOf < first) else {
            throw CRMError.invalidArgument("--as-of \(asOf.iso8601) is before the first order (\(first.iso8601)): nothing to classify on")
        }
        guard !(now < asOf) else {
            throw CRMError.invalidArgument("--as-of \(asOf.iso8601) is in the future: a backtest looks at a past instant")
        }
        let end = window.end(after: asOf)
        guard !(now < end) else {
            throw CRMError.invalidArgument(
                "--as-of \(asOf.iso8601) with a \(window) window ends at \(end.iso8601), after now: choose an earlier as-of or a shorter window")
        }
        let profiles = try database.profiles(asOf: asOf, fields: catalog.fields, shape: catalog.profileShape)
        let activity = try database.windowActivity(from: asOf, to: end)
        let scale = try database.currency().scale
        let variants = try subjects.map { plugin, segmentation in
            let segments = try SegmentClassifier(plugin: plugin, segmentation: segmentation).classify(profiles, database: database)
            let rates = SegmentRate.measure(zip(profiles.pks, segments), segments: segmentation.segments, activity: activity, scale: scale)
            return Variant(
                plugin: PluginIdentity(name: plugin.name, version: plugin.version, hash: plugin.hash), file: plugin.file, rates: rates,
                separation: SegmentRate.separation(rates))
        }
        return Backtest(segmentation: name, asOf: asOf, window: window, windowEnd: end, variants: variants)
    }
}
