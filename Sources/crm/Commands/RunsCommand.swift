import ArgumentParser
import CRMCore

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List recorded runs (imports, segmentations, jobs), newest first, with failures and their errors.",
        discussion: "Example:\n  crm runs --limit 5"
    )

    @OptionGroup var global: GlobalOptions

    @Option(parsing: .unconditional, help: "How many runs to show.")
    var limit = 20

    @Option(help: "table, csv or json.")
    var format: OutputFormat = .table

    func validate() throws { try checkLimit(limit) }

    func run() throws {
        let runs = try global.openDatabase().runs(limit: limit)
        try Output(format: format).print(
            columns: ["id", "kind", "subject", "started_at", "ms", "outcome", "read", "new", "updated", "rejected", "error"],
            values: runs.map { run in
                [
                    .integer(run.id), .string(run.kind.rawValue), .string(run.subject), .string(run.startedAt.iso8601), .integer(run.durationMS),
                    .string(run.outcome.rawValue), .count(run.rowsRead), .count(run.inserted), .count(run.updated), .count(run.rejected),
                    .text(format == .table ? run.error?.split(separator: "\n").first.map(String.init) : run.error),
                ]
            })
    }
}
