import ArgumentParser
import CRMCore

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List recorded runs (imports, segmentations, jobs), newest first, with failures and their errors.",
        discussion: "Example:\n  crm runs --limit 5"
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "How many runs to show.")
    var limit = 20

    @Option(help: "table, csv or json.")
    var format: OutputFormat = .table

    func run() throws {
        let runs = try global.openDatabase().runs(limit: limit)
        try Output(format: format).print(
            columns: ["id", "kind", "subject", "started_at", "ms", "outcome", "read", "new", "updated", "rejected", "error"],
            rows: runs.map { run in
                [
                    String(run.id), run.kind, run.subject, run.startedAt.iso8601, String(run.durationMS), run.outcome,
                    String(run.rowsRead), String(run.inserted), String(run.updated), String(run.rejected),
                    format == .table ? run.error?.split(separator: "\n").first.map(String.init) : run.error,
                ]
            })
    }
}
