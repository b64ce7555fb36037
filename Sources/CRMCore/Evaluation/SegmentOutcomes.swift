/// What happened after a past run of a segmentation (`crm segment outcomes`): per segment, how
/// its members bought, churned and moved in the window after the run's as-of; per follow-up
/// action on the segmentation, the customers it treated against those it held out.
public struct SegmentOutcomes: Sendable {
    /// One segment's rates plus how many of its members moved up or down by the last run
    /// within the window. Up is towards the first declared segment (see `docs/decisions.md`).
    public struct Segment: Sendable, Equatable {
        public let rate: SegmentRate
        public let movedUp: Int
        public let movedDown: Int

        public var movedUpRate: Double { rate.customers == 0 ? 0 : Double(movedUp) / Double(rate.customers) }
        public var movedDownRate: Double { rate.customers == 0 ? 0 : Double(movedDown) / Double(rate.customers) }
    }

    /// Customers who got an action's effect or were held out, converted (ordered in the window
    /// after the follow-up's as-of) and their revenue in it.
    public struct Group: Sendable, Equatable {
        public let customers: Int
        public let converted: Int
        public let revenue: Double

        public var conversion: Double { customers == 0 ? 0 : Double(converted) / Double(customers) }
        public var revenuePerCustomer: Double { customers == 0 ? 0 : revenue / Double(customers) }
    }

    public struct Action: Sendable, Equatable {
        public let action: String
        public let treated: Group
        public let heldOut: Group
        /// Treated minus held-out conversion, with its 95% interval; nil without both groups.
        public let difference: ProportionDifference?
    }

    public let segmentation: String
    public let run: RunPoint
    public let window: EvaluationWindow
    public let windowEnd: Timestamp
    /// The run up and down are measured against: the last one up to the window's end.
    public let laterRun: RunPoint?
    public let segments: [Segment]
    public let actions: [Action]

    /// Outcomes of `runID` (default: the last run whose window has ended by `now`).
    public static func measure(
        _ database: CRMDatabase, segmentation: String, segments declared: [String], window: EvaluationWindow, runID: Int64? = nil,
        now: Timestamp = .now()
    ) throws -> SegmentOutcomes {
        let runs = try database.segmentationRuns(segmentation)
        guard !runs.isEmpty else {
            throw CRMError.notFound("segmentation '\(segmentation)' has not been run yet; run `crm segment run \(segmentation)` first")
        }
        let run: RunPoint
        if let runID {
            run = try SegmentHistory.run(runID, in: runs, of: segmentation)
            guard !(now < window.end(after: run.asOf)) else {
                throw CRMError.invalidArgument(
                    "the \(window) window after run \(run.id) (as of \(run.asOf.iso8601)) ends after now; choose an earlier run or a shorter window")
            }
        } else {
            guard let found = runs.last(where: { !(now < window.end(after: $0.asOf)) }) else {
                throw CRMError.invalidArgument(
                    "no run of '\(segmentation)' is \(window) old yet (the first is as of \(runs[0].asOf.iso8601)); use a shorter window")
            }
            run = found
        }
        let end = window.end(after: run.asOf)
        let scale = try database.currency().scale
        let members = try database.memberships(segmentation, atRun: run.id)
        let activity = try database.windowActivity(from: run.asOf, to: end)
        let rates = SegmentRate.measure(members.lazy.map { ($0.key, $0.value) }, segments: declared, activity: activity, scale: scale)
        let laterRun = runs.last { $0.id > run.id && !(end < $0.asOf) }
        let later = try laterRun.map { try database.memberships(segmentation, atRun: $0.id) } ?? [:]
        var up: [String: Int] = [:]
        var down: [String: Int] = [:]
        let order = rates.map(\.segment)
        for (pk, segment) in members {
            guard let next = later[pk], let before = order.firstIndex(of: segment), let after = order.firstIndex(of: next) else { continue }
            if after < before { up[segment, default: 0] += 1 } else if after > before { down[segment, default: 0] += 1 }
        }
        let segments = rates.map { Segment(rate: $0, movedUp: up[$0.segment] ?? 0, movedDown: down[$0.segment] ?? 0) }
        return SegmentOutcomes(
            segmentation: segmentation, run: run, window: window, windowEnd: end, laterRun: laterRun, segments: segments,
            actions: try actions(database, segmentation: segmentation, window: window, now: now, scale: scale))
    }

    /// Every action's treated and held-out groups, counting only follow-ups whose window has ended.
    private static func actions(
        _ database: CRMDatabase, segmentation: String, window: EvaluationWindow, now: Timestamp, scale: Int
    ) throws -> [Action] {
        let exposures = try database.followUpExposures(segmentation: segmentation).filter { !(now < window.end(after: $0.asOf)) }
        var activityByStart: [Timestamp: [Int64: WindowActivity]] = [:]
        for start in Set(exposures.map(\.asOf)) {
            activityByStart[start] = try database.windowActivity(from: start, to: window.end(after: start))
        }
        var names: [String] = []
        for exposure in exposures where !names.contains(exposure.action) { names.append(exposure.action) }
        let unit = (0..<scale).reduce(1.0) { value, _ in value * 10 }
        return names.map { name in
            func group(heldOut: Bool) -> Group {
                let mine = exposures.filter { $0.action == name && $0.heldOut == heldOut }
                let done = mine.map { activityByStart[$0.asOf]?[$0.customerPK] ?? WindowActivity() }
                return Group(
                    customers: mine.count, converted: done.count { $0.orders > 0 },
                    revenue: Double(done.reduce(0) { $0 + $1.revenue }) / unit)
            }
            let treated = group(heldOut: false)
            let heldOut = group(heldOut: true)
            return Action(
                action: name, treated: treated, heldOut: heldOut,
                difference: ProportionDifference(
                    successes: treated.converted, of: treated.customers, against: heldOut.converted, of: heldOut.customers))
        }
    }
}
