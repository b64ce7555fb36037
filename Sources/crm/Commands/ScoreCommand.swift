import ArgumentParser
import CRMCore
import Foundation

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Compute the plugins' scores and list the top customers by a score.",
        discussion: """
            Examples:
              crm score run --as-of 2025-01-01
              crm score top churn_risk --limit 10
            """,
        subcommands: [Run.self, Top.self]
    )

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compute scores for every customer; write only the values that changed.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "Scores to compute (default: all).") var names: [String] = []
        @Option(help: ArgumentHelp("The instant to score as of (ISO-8601; default now).", valueName: "time")) var asOf: String?

        func run() throws {
            let database = try global.openDatabase()
            let instant = try parseAsOf(asOf)
            let catalog = try global.loadPlugins()
            let engine = ScoreEngine(database: database, catalog: catalog)
            if engine.scores.isEmpty { Progress.warn("No plugin defines a score.") }
            var failed = names.isEmpty && !catalog.failures.isEmpty
            for result in try engine.run(names, asOf: instant) {
                switch result {
                case .failure(let error):
                    failed = true
                    Progress.warn("Error: score '\(error.segmentation)' failed, values unchanged: \(error)")
                case .success(let outcome):
                    print(
                        "\(outcome.score) (\(outcome.plugin.name) \(outcome.plugin.version)): \(outcome.customers) customers, "
                            + "\(outcome.changed) changed, mean \(String(format: "%.3f", outcome.mean)), "
                            + "\(String(format: "%.2f", Double(outcome.duration.wholeMilliseconds) / 1000)) s")
                }
            }
            if failed { throw ExitCode.failure }
        }
    }

    struct Top: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The customers with the highest values of a score.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The score.") var name: String
        @Option(parsing: .unconditional, help: "How many customers (at least 1).") var limit = 10
        @Option(help: "table, csv or json.") var format: OutputFormat = .table

        func validate() throws { try checkLimit(limit) }

        func run() throws {
            let database = try global.openDatabase()
            let catalog = try global.loadPlugins(required: false)
            try catalog.requireScore(name, storedIn: database)
            let values = try database.topScores(name, limit: limit)
            if values.isEmpty { Progress.warn("no values for score '\(name)' yet; run `crm score run \(name)` first") }
            try Output(format: format).print(
                columns: ["customer_id", "score", "explanation", "as_of"],
                values: values.map { [.string($0.customerID), .number($0.value), .text($0.explanation), .string($0.asOf.iso8601)] })
        }
    }
}
