import ArgumentParser
import CRMCore
import Foundation

struct SegmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segment",
        abstract: "Run the plugins' segmentations and look at the segments.",
        discussion: """
            Examples:
              crm segment run                         # every segmentation, as of now
              crm segment run rfm --as-of 2025-01-01  # one, reproducibly
              crm segment run lifecycle --dry-run     # what would move, nothing written
              crm segment members rfm "At Risk" --format csv
              crm segment history 42
              crm segment report rfm --runs 5         # sizes over runs, who moved where
              crm segment outcomes rfm --window 90d   # what each segment did after a run
              crm segment backtest rfm --as-of 2024-06-01 --window 90d --plugin new/rfm.lua
            """,
        subcommands: [
            List.self, Run.self, Show.self, Members.self, History.self, SegmentReportCommand.self, SegmentOutcomesCommand.self,
            SegmentBacktestCommand.self,
        ]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the segmentations of the loaded plugins with their current sizes.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "table, csv or json.") var format: OutputFormat = .table

        func run() throws {
            let catalog = global.loadPlugins()
            let sizes = try global.openDatabase().segmentSizes()
            let rows: [[String?]] = catalog.segmentations.map { item in
                let members = sizes.filter { $0.segmentation == item.segmentation.name }.reduce(0) { $0 + $1.customers }
                return [item.segmentation.name, item.plugin.name, String(item.segmentation.segments.count), String(members), item.segmentation.description]
            }
            try Output(format: format).print(columns: ["segmentation", "plugin", "segments", "customers", "description"], rows: rows)
        }
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Classify every customer; write only the memberships that changed.",
            discussion: """
                Each segmentation is one transaction with its run record: a plugin that fails is
                reported (file, line, function, customer) and its previous memberships stay; the
                other segmentations still run. Then the plugins' follow-up actions on these
                segmentations fire once for each change they have not seen (tasks, tags, outbox
                messages), in one more transaction; an action that fails for a customer is
                reported and retried by the next run. The exit status is 1 if anything failed.
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "Segmentations to run (default: all).") var names: [String] = []
        @Option(help: ArgumentHelp("The instant to segment as of (ISO-8601; default now).", valueName: "time")) var asOf: String?
        @Flag(help: "Show what would change (sizes, a transition matrix, the follow-ups that would fire) without writing anything.")
        var dryRun = false

        func run() throws {
            let database = try global.openDatabase()
            let instant = try parseAsOf(asOf)
            let engine = SegmentationEngine(database: database, catalog: global.loadPlugins())
            var failed = false
            var followUps: FollowUpSummary?
            let results = try engine.run(names, asOf: instant, dryRun: dryRun) { progress in
                switch progress {
                case .followUps(let summary):
                    followUps = summary
                case .profilesBuilt(let customers, let duration):
                    print("profiles of \(customers) customers built in \(String(format: "%.2f", Double(duration.wholeMilliseconds) / 1000)) s")
                case .fieldComputed(let result):
                    if !reportFields([result]) { failed = true }
                }
            }
            for result in results {
                switch result {
                case .failure(let error):
                    failed = true
                    Progress.warn("Error: segmentation '\(error.segmentation)' failed, memberships unchanged: \(error)")
                case .success(let outcome):
                    report(outcome)
                }
            }
            if let followUps {
                FollowUpReport(summary: followUps, dryRun: dryRun).print()
                if followUps.count(.failed) > 0 { failed = true }
            }
            if failed { throw ExitCode.failure }
        }

        private func report(_ outcome: SegmentationOutcome) {
            let seconds = Double(outcome.duration.wholeMilliseconds) / 1000
            let lua = Double(outcome.luaDuration.wholeMilliseconds) / 1000
            let verb = dryRun ? "would change" : "changed"
            print("\(outcome.segmentation) (\(outcome.plugin.name) \(outcome.plugin.version)) as of \(outcome.asOf.iso8601): \(outcome.customers) customers, \(outcome.changed) \(verb), \(String(format: "%.2f", seconds)) s (Lua \(String(format: "%.2f", lua)) s)")
            let width = outcome.sizes.map(\.segment.count).max() ?? 0
            for size in outcome.sizes {
                print("  \(size.segment.padding(toLength: width, withPad: " ", startingAt: 0))  \(size.customers)")
            }
            guard dryRun else { return }
            let targets = outcome.sizes.map(\.segment)
            let sources = outcome.matrix.keys.sorted { ($0.isEmpty ? "" : $0) < $1 }
            print("  transitions (rows: from, columns: to; \"(new)\" = not classified before)")
            let header = ["from \\ to"] + targets
            var rows: [[String]] = []
            for source in sources {
                rows.append([source.isEmpty ? "(new)" : source] + targets.map { String(outcome.matrix[source]?[$0] ?? 0) })
            }
            let widths = header.indices.map { column in ([header[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0 }
            for row in [header] + rows {
                print("  " + row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  "))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a segmentation's segments and their current sizes.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The segmentation.") var name: String
        @Option(help: "table, csv or json.") var format: OutputFormat = .table

        func run() throws {
            let catalog = global.loadPlugins()
            guard let found = catalog.segmentation(named: name) else {
                throw CRMError.notFound("no segmentation named '\(name)'")
            }
            let sizes = try global.openDatabase().segmentSizes().filter { $0.segmentation == name }
            let total = sizes.reduce(0) { $0 + $1.customers }
            let rows: [[String?]] = found.segmentation.segments.map { segment in
                let count = sizes.first { $0.segment == segment }?.customers ?? 0
                return [segment, String(count), total == 0 ? "0.0" : String(format: "%.1f", Double(count) * 100 / Double(total))]
            }
            if format == .table {
                print("\(name) (\(found.plugin.name) \(found.plugin.version))" + (found.segmentation.description.map { ": \($0)" } ?? ""))
            }
            try Output(format: format).print(columns: ["segment", "customers", "percent"], rows: rows)
        }
    }

    struct Members: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the customers of a segmentation (or of one segment), sorted by customer id.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The segmentation.") var name: String
        @Argument(help: "Only this segment.") var segment: String?
        @Option(help: "table, csv or json.") var format: OutputFormat = .table

        func run() throws {
            let members = try global.openDatabase().members(segmentation: name, segment: segment)
            try Output(format: format).print(
                columns: ["customer_id", "segment", "reason", "since"],
                rows: members.map { [$0.customerID, $0.segment, $0.reason, $0.since.iso8601] })
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show every change of segment of one customer, oldest first.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The customer's id.") var customer: String
        @Option(help: "table, csv or json.") var format: OutputFormat = .table

        func run() throws {
            let database = try global.openDatabase()
            guard try database.customer(id: customer) != nil else { throw CRMError.notFound("no customer with id \"\(customer)\"") }
            try Output(format: format).print(
                columns: ["as_of", "segmentation", "from", "to", "reason", "run"],
                rows: try database.transitions(customerID: customer).map {
                    [$0.asOf.iso8601, $0.segmentation, $0.from, $0.to, $0.reason, String($0.runID)]
                })
        }
    }
}
