/// A customer's current segment in one segmentation, and why and since when.
public struct Membership: Sendable, Equatable, Codable {
    public var segmentation: String
    public var customerID: String
    public var segment: String
    /// Why the customer is there: what the plugin says as of the last run that classified them
    /// (filled in by `SegmentReasons`, nil as read from storage).
    public var reason: String?
    /// The as-of instant of the run that put the customer there.
    public var since: Timestamp
    public var sinceRun: Int64
}

/// A change of segment: the durable event follow-up actions consume. It keeps no reason (the
/// current one is the membership's).
public struct Transition: Sendable, Equatable, Codable {
    public var id: Int64
    public var runID: Int64
    public var segmentation: String
    public var customerID: String
    /// nil the first time a customer is classified.
    public var from: String?
    public var to: String
    public var asOf: Timestamp
}
