import ArgumentParser
import CRMCore
import Foundation

/// `crm segment outcomes NAME --window 90d`: what the members of each segment did after a run,
/// and how follow-up actions converted against their holdout.
struct SegmentOutcomesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outcomes",
        abstract: "Show what each segment's members did in a window after a past run, and follow-ups against holdout.",
        discussion: """
            For the members of each segment after the run: the share who ordered again in the
            window after its as-of (repurchase), revenue per member, the share who had ordered
            before and did not order in the window (churn), and the share in a higher or lower
            segment at the last run within the window (segments rank in their declared order,
            the first is the top). Then per follow-up action on the segmentation: customers who
            got its effect against those held out, conversion (ordered in the window after the
            follow-up), revenue, and the difference of conversion with a 95% interval
            (Newcombe's hybrid score method); only follow-ups whose window has ended count.
            --run defaults to the last run whose window has ended.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The segmentation.") var name: String
    @Option(help: ArgumentHelp("How long after the run to look: 90d or 12w.", valueName: "length")) var window: String
    @Option(name: .customLong("run"), help: ArgumentHelp("The run whose members are followed.", valueName: "run")) var runID: Int64?
    @Option(help: "table, csv or json.") var format: OutputFormat = .table

    func run() throws {
        let length = try parseWindow(window)
        let segmentation = try global.segmentation(named: name)
        let outcomes = try SegmentOutcomes.measure(
            try global.openDatabase(), segmentation: name, segments: segmentation.segments, window: length, runID: runID)
        let (segments, actions) = Self.tables(outcomes)
        switch format {
        case .json:
            try Output(format: .json).printJSON([
                "segmentation": name, "run": outcomes.run.id, "as_of": outcomes.run.asOf.iso8601, "window_days": length.days,
                "window_end": outcomes.windowEnd.iso8601, "compared_run": outcomes.laterRun.map { $0.id as Any } ?? NSNull(),
                "segments": segments.objects, "actions": actions.objects,
            ] as [String: Any])
        case .csv:
            try segments.print(.csv)
            print()
            try actions.print(.csv)
        case .table:
            print("\(name): members after run \(outcomes.run.id) (as of \(outcomes.run.asOf.iso8601)), \(length) window to \(outcomes.windowEnd.iso8601)"
                + (outcomes.laterRun.map { "; moves against run \($0.id)" } ?? "; no later run within the window to compare moves"))
            try segments.print(.table)
            print()
            print("follow-up actions: treated against held out, conversion in the \(length) after each follow-up")
            try actions.print(.table)
        }
    }

    static func tables(_ outcomes: SegmentOutcomes) -> (segments: ResultTable, actions: ResultTable) {
        var segments = ResultTable(columns: [
            "segment", "customers", "repurchase_rate", "revenue_per_member", "churn_rate", "moved_up_rate", "moved_down_rate",
        ])
        for segment in outcomes.segments {
            let rate = segment.rate
            // An empty segment has no rates: blank, not a misleading 0.
            let some = rate.customers > 0
            segments.rows.append([
                .text(rate.segment), .integer(rate.customers), .rate(some ? rate.repurchaseRate : nil),
                .number(some ? rate.revenuePerMember : nil, digits: 2), .rate(some ? rate.churnRate : nil),
                .rate(some ? segment.movedUpRate : nil), .rate(some ? segment.movedDownRate : nil),
            ])
        }
        var actions = ResultTable(columns: [
            "action", "treated", "treated_conversion", "treated_revenue_per_customer", "held_out", "held_out_conversion",
            "held_out_revenue_per_customer", "difference", "difference_low", "difference_high",
        ])
        for action in outcomes.actions {
            actions.rows.append([
                .text(action.action), .integer(action.treated.customers), .rate(conversion(action.treated)),
                .number(revenue(action.treated), digits: 2), .integer(action.heldOut.customers), .rate(conversion(action.heldOut)),
                .number(revenue(action.heldOut), digits: 2), .rate(action.difference?.difference), .rate(action.difference?.lower),
                .rate(action.difference?.upper),
            ])
        }
        return (segments, actions)
    }

    /// An empty group has no conversion or revenue: blank, not a misleading 0.
    private static func conversion(_ group: SegmentOutcomes.Group) -> Double? { group.customers > 0 ? group.conversion : nil }
    private static func revenue(_ group: SegmentOutcomes.Group) -> Double? { group.customers > 0 ? group.revenuePerCustomer : nil }
}
