import Foundation

/// `crm demo`: a fresh database built from the example files, so a new user sees the product
/// working on real data in one command.
public enum Demo {
    /// What the demo did and found.
    public struct Report: Sendable {
        public let databasePath: String
        public let imports: [ImportSummary]
        public let summary: DatabaseSummary
        public let currency: Currency
        public let asOf: Timestamp
        /// Plugins that failed to load (the demo still runs the others).
        public let pluginFailures: [PluginFailure]
        public let segmentations: [Result<SegmentationOutcome, SegmentationError>]
        public let scores: [Result<ScoreOutcome, SegmentationError>]
        /// A few customers worth a look, with every segment and reason.
        public let spotlight: [(customer: Customer, memberships: [Membership])]
        /// What the follow-up actions did after the segment run; nil when no plugin has actions.
        public let followUps: FollowUpSummary?
        /// The open tasks the follow-ups created, by due date.
        public let tasks: [CustomerTask]
        /// The messages waiting in the outbox.
        public let messages: [OutboxMessage]
    }

    /// Marks a database as the demo's own, so `crm demo` never replaces a real one.
    static let marker = "demo"

    /// Builds the demo database at `databasePath` from `examples/{customers,orders,interactions}.csv`.
    ///
    /// A file already at `databasePath` is replaced only when an earlier demo made it.
    public static func build(examples: String, databasePath: String, pluginDirectories: [String], asOf: Timestamp) throws -> Report {
        let files = RecordKind.allCases.map { (kind: $0, path: (examples as NSString).appendingPathComponent("\($0.rawValue).csv")) }
        for file in files where !FileManager.default.fileExists(atPath: file.path) {
            throw CRMError.file(path: file.path, message: "missing; the demo reads the example data from \(examples)/ (pass --examples DIR)")
        }
        let catalog = PluginCatalog.load(directories: pluginDirectories)
        if let missing = catalog.unreadableDirectories.first {
            throw CRMError.notFound("\(missing): no such plugin folder; the demo runs the plugins in it (pass --plugins DIR)")
        }
        try removePreviousDemo(at: databasePath)
        let database = try CRMDatabase(path: databasePath)
        try database.markAsDemo()
        let importer = Importer(database: database)
        let imports = try files.map { try importer.importFile($0.kind, path: $0.path) }
        var followUps: FollowUpSummary?
        let segmentations = try SegmentationEngine(database: database, catalog: catalog).run([], asOf: asOf) { progress in
            if case .followUps(let summary) = progress { followUps = summary }
        }
        let scores = try ScoreEngine(database: database, catalog: catalog).run([], asOf: asOf)
        let summary = try database.summary()
        var ids: [String] = summary.topCustomers.prefix(1).map(\.id)
        // Then the first customer of the first segmentation's last segments, where the at-risk
        // and lost customers usually are, and a prospect: varied examples whatever the plugins.
        for outcome in segmentations.compactMap({ try? $0.get() }).prefix(1) {
            for size in outcome.sizes.reversed() where size.customers > 0 && ids.count < 3 {
                if let member = try database.members(segmentation: outcome.segmentation, segment: size.segment).first,
                    !ids.contains(member.customerID)
                {
                    ids.append(member.customerID)
                }
            }
        }
        let spotlight = try ids.compactMap { id in
            try database.customer(id: id).map { ($0, try SegmentReasons(database: database, catalog: catalog).memberships(customerID: id)) }
        }
        return Report(
            databasePath: databasePath, imports: imports, summary: summary, currency: try database.currency(), asOf: asOf,
            pluginFailures: catalog.failures, segmentations: segmentations, scores: scores, spotlight: spotlight, followUps: followUps,
            tasks: try database.tasks(matching: .init(openOnly: true)), messages: try database.outbox())
    }

    private static func removePreviousDemo(at path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        let madeByDemo = try CRMDatabase(path: path).isDemo()
        guard madeByDemo else {
            throw CRMError.invalidArgument(
                "\(path) holds a database that the demo did not create; pass another --db for the demo")
        }
        for suffix in ["", "-wal", "-shm", "-lock"] where FileManager.default.fileExists(atPath: path + suffix) {
            try FileManager.default.removeItem(atPath: path + suffix)
        }
    }
}
