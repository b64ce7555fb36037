import CRMCore
import Foundation

/// The numbers of the HTML report as one JSON object (`crm report --format json`), with the
/// same keys as `segment report|outcomes`, `quality` and `job history` use.
enum ReportJSON {
    static func object(_ report: EvaluationReport) -> [String: Any] {
        [
            "generated_at": report.generatedAt.iso8601, "window_days": report.window.days,
            "segmentations": report.segmentations.map(segmentation),
            "jobs": report.jobs.map { job in
                [
                    "job": job.job, "scheduled_for": job.scheduledFor.iso8601, "outcome": job.outcome, "trigger": job.trigger,
                    "attempts": job.attempts, "error": job.error.map { $0 as Any } ?? NSNull(),
                ] as [String: Any]
            },
            "quality": QualityCommand.objects(report.quality),
        ]
    }

    private static func segmentation(_ item: EvaluationReport.Segmentation) -> [String: Any] {
        var object: [String: Any] = [
            "name": item.name, "plugin": item.plugin,
            "sizes": item.sizes.map { ["segment": $0.segment, "customers": $0.customers] as [String: Any] },
            "grid": NSNull(), "moves": NSNull(), "outcomes": NSNull(),
            "outcomes_missing": item.outcomesMissing.map { $0 as Any } ?? NSNull(),
        ]
        if let grid = item.grid {
            object["grid"] = [
                "rows": grid.rows, "columns": grid.columns, "as_of": grid.asOf.iso8601, "counts": grid.counts, "segments": grid.segments,
            ] as [String: Any]
        }
        if let history = item.history {
            object["moves"] = [
                "from_run": history.from.map { $0.id as Any } ?? NSNull(), "to_run": history.to.id,
                "moves": SegmentReportCommand.moves(history).objects,
            ] as [String: Any]
        }
        if let outcomes = item.outcomes {
            let (segments, actions) = SegmentOutcomesCommand.tables(outcomes)
            object["outcomes"] = [
                "run": outcomes.run.id, "as_of": outcomes.run.asOf.iso8601, "window_end": outcomes.windowEnd.iso8601,
                "segments": segments.objects, "actions": actions.objects,
            ] as [String: Any]
        }
        return object
    }
}
