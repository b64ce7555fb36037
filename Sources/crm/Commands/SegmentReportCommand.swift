import ArgumentParser
import CRMCore
import Foundation

/// `crm segment report NAME`: sizes over the last runs and the moves between two runs.
struct SegmentReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Show segment sizes over the last runs and who moved where between two runs.",
        discussion: """
            Sizes are those after each run (a run that changed nothing kept the sizes of the run
            before). Moves count customers by their segment after --from and after --to (default:
            the last two runs); "(none)" is not classified yet. With --format csv the two tables
            follow each other, separated by an empty line; with json, one object.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The segmentation.") var name: String
    @Option(help: "How many of the last runs to show sizes for.") var runs = 10
    @Option(help: ArgumentHelp("The earlier run of the moves (default: the one before --to).", valueName: "run")) var from: Int64?
    @Option(help: ArgumentHelp("The later run of the moves (default: the last run).", valueName: "run")) var to: Int64?
    @Option(help: "table, csv or json.") var format: OutputFormat = .table

    func validate() throws {
        guard runs > 0 else { throw ValidationError("--runs must be at least 1") }
    }

    func run() throws {
        let segmentation = try global.segmentation(named: name)
        let history = try SegmentHistory.load(
            try global.openDatabase(), segmentation: name, segments: segmentation.segments, lastRuns: runs, fromRun: from, toRun: to)
        var sizes = ResultTable(columns: ["run", "as_of"] + history.segments)
        for run in history.runs {
            sizes.rows.append([.integer(Int(run.run.id)), .text(run.run.asOf.iso8601)] + run.sizes.map { .integer($0.customers) })
        }
        let moves = Self.moves(history)
        switch format {
        case .json:
            try Output(format: .json).printJSON([
                "segmentation": name, "segments": history.segments,
                "runs": history.runs.map { run in
                    ["run": run.run.id, "as_of": run.run.asOf.iso8601,
                     "sizes": Dictionary(uniqueKeysWithValues: run.sizes.map { ($0.segment, $0.customers) })] as [String: Any]
                },
                "from_run": history.from.map { $0.id as Any } ?? NSNull(), "to_run": history.to.id, "moves": moves.objects,
            ] as [String: Any])
        case .csv:
            try sizes.print(.csv)
            print()
            try moves.print(.csv)
        case .table:
            print("\(name): sizes after each of the last \(history.runs.count) runs")
            try sizes.print(.table)
            print()
            print("moves from run \(history.from.map { "\($0.id) (\($0.asOf.iso8601))" } ?? "(before the first run)") to run \(history.to.id) (\(history.to.asOf.iso8601))")
            try moves.print(.table)
        }
    }

    /// Customers by segment after the earlier run (`from`) and the later one (`to`).
    static func moves(_ history: SegmentHistory) -> ResultTable {
        var moves = ResultTable(columns: ["from", "to", "customers"])
        for move in history.moves {
            moves.rows.append([.text(move.from ?? "(none)"), .text(move.to ?? "(none)"), .integer(move.customers)])
        }
        return moves
    }
}
