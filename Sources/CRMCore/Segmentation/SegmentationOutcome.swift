/// What one segmentation run found (or, in a dry run, would change).
public struct SegmentationOutcome: Sendable {
    public let segmentation: String
    public let plugin: PluginIdentity
    /// The run record; nil for a dry run.
    public let runID: Int64?
    public let asOf: Timestamp
    public let customers: Int
    /// Customers per segment after the run, in the plugin's declared order.
    public let sizes: [(segment: String, customers: Int)]
    /// Customers whose segment changed (including first classifications).
    public let changed: Int
    /// Memberships removed by a rewound run: customers created after its as-of.
    public let removed: Int
    /// from segment ("" for not yet classified) → to segment → customers; stays are included.
    public let matrix: [String: [String: Int]]
    public let duration: Duration
    /// Time spent inside Lua `classify` calls.
    public let luaDuration: Duration
    /// In a dry run, the changes follow-up actions would see.
    let wouldMove: [FollowUpEvent]
}
