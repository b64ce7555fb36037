import LuaBridge

/// Why a customer is in their segment, as shown by `customer show`, `segment members` and the
/// demo: what the plugin says now as of the segmentation's last run (its `explain` for the
/// segment `classify` gives, or `classify`'s own reason), not a text frozen when the customer
/// entered. Reasons are not stored (a stored reason that goes stale the next day, or rewritten
/// for every customer at every run, costs more than asking; see docs/decisions.md): they are
/// computed when shown, from the profiles as of the last run's as-of.
///
/// When the data changed since that run so that `classify` now gives another segment than the
/// stored one, no reason is shown for that customer (the next run moves them).
public final class SegmentReasons {
    let database: CRMDatabase
    let catalog: PluginCatalog
    /// The profiles last built, kept for the next segmentation with the same as-of (a customer's
    /// memberships in eight segmentations need one profile build, not eight).
    private var profiles: ProfileTable?
    private var statistics: PopulationStatistics?

    public init(database: CRMDatabase, catalog: PluginCatalog) {
        self.database = database
        self.catalog = catalog
    }

    /// Members of a segmentation (optionally one segment), in customer-id order, with reasons;
    /// at most `limit` (the first by customer id).
    public func members(segmentation: String, segment: String? = nil, limit: Int? = nil) throws -> [Membership] {
        var members = try database.keyedMembers(segmentation: segmentation, segment: segment)
        if let limit, members.count > limit { members.removeLast(members.count - limit) }
        defer { (profiles, statistics) = (nil, nil) }
        let pks = members.map(\.pk)
        // One array of memberships at a time: a million of them are a few hundred bytes each.
        var result = members.map(\.membership)
        members = []
        let reasons = try explain(segmentation, pks: pks, segments: result.map(\.segment))
        if let reasons { for index in result.indices { result[index].reason = reasons[index] } }
        return result
    }

    /// Every current membership of one customer, with reasons.
    public func memberships(customerID: String) throws -> [Membership] {
        let memberships = try database.memberships(customerID: customerID)
        guard !memberships.isEmpty, let pk = try database.customerKey(id: customerID) else { return memberships }
        defer { (profiles, statistics) = (nil, nil) }
        return try memberships.map { membership in
            var membership = membership
            membership.reason = try explain(membership.segmentation, pks: [pk], segments: [membership.segment])?.first ?? nil
            return membership
        }
    }

    /// The reason for each (customer key, stored segment); nil when the plugin is gone or the
    /// segmentation never ran.
    private func explain(_ name: String, pks: [Int64], segments: [String]) throws -> [String?]? {
        guard !pks.isEmpty, let found = catalog.segmentation(named: name),
            let asOf = try database.read({ db in try RunLog.lastRunAsOf(db, kind: .segmentation, subject: name) })
        else { return nil }
        let (plugin, segmentation) = (found.plugin, found.segmentation)
        if self.profiles?.asOf != asOf {
            (self.profiles, self.statistics) = (nil, nil)  // the old table is freed before the new one is built
            let built = try database.profiles(asOf: asOf, fields: catalog.fields, shape: catalog.profileShape)
            (self.profiles, self.statistics) = (built, PopulationStatistics(table: built))
        }
        guard let profiles, let statistics else { return nil }
        let inputs = try PopulationInputs(needs: segmentation, plugin: plugin, profiles: profiles, statistics: statistics, database: database)
        // Profile row of each wanted customer (both in key order after sorting).
        let order = pks.indices.sorted { pks[$0] < pks[$1] }
        var wanted = [Int](repeating: -1, count: profiles.count)
        var keyed = KeyedRows(profiles.pks)
        for index in order { if let row = keyed.row(of: pks[index]) { wanted[row] = index } }
        var reasons = [String?](repeating: nil, count: pks.count)
        let secondCall = segmentation.explain.map { explain in
            ProfileLoop.SecondCall(function: explain, name: "explain") { row, segment in segments[wanted[row]] == segment }
        }
        var luaTime = Duration.zero
        let rows = (wanted.firstIndex { $0 >= 0 } ?? 0)..<((wanted.lastIndex { $0 >= 0 } ?? -1) + 1)
        try ProfileLoop(plugin: plugin, profiles: profiles, inputs: inputs, subject: name, functionName: "classify").run(
            function: segmentation.classify, secondCall: secondCall, rows: rows, only: { wanted[$0] >= 0 },
            wrapperSource: secondCall == nil ? SegmentClassification.wrapperSource : SegmentClassification.explainingWrapperSource,
            luaTime: &luaTime
        ) { row, segment, reason throws(SegmentationError) in
            let index = wanted[row]
            if segment == segments[index] { reasons[index] = reason }
        }
        return reasons
    }
}
