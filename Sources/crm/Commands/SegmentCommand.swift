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
            let catalog = try global.loadPlugins()
            let sizes = try global.openDatabase().segmentSizes()
            let rows: [[JSONValue]] = catalog.segmentations.map { item in
                let members = sizes.filter { $0.segmentation == item.segmentation.name }.reduce(0) { $0 + $1.customers }
                return [
                    .string(item.segmentation.name), .string(item.plugin.name), .count(item.segmentation.segments.count), .count(members),
                    .text(item.segmentation.description),
                ]
            }
            try Output(format: format).print(columns: ["segmentation", "plugin", "segments", "customers", "description"], values: rows)
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
                reported and retried by the next run. The exit status is 1 if anything failed,
                and, when no names are given, also if a plugin could not be loaded (the others
                still run). When standard error is a terminal, each segmentation shows the
                customers classified so far there (never when it is a file or a pipe).

                A customer created after the as-of instant is not in that run's population. An
                as-of earlier than a segmentation's latest run is refused: --dry-run shows that
                date's segments without writing, and --rewind rewrites the current memberships as
                of that date — customers whose segment differs get a transition dated at the
                as-of, and customers created after it lose their membership (without a
                transition). The transitions of the later runs stay in the history.
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "Segmentations to run (default: all).") var names: [String] = []
        @Option(help: ArgumentHelp("The instant to segment as of (ISO-8601; default now).", valueName: "time")) var asOf: String?
        @Flag(help: "Show what would change (sizes, a transition matrix, the follow-ups that would fire) without writing anything.")
        var dryRun = false
        @Flag(help: "Allow an --as-of earlier than the latest run and rewrite the memberships as of it (see above).") var rewind = false

        func run() throws {
            let database = try global.openDatabase()
            let instant = try parseAsOf(asOf)
            let catalog = try global.loadPlugins()
            var engine = SegmentationEngine(database: database, catalog: catalog)
            engine.progress = Progress.reporter()
            // Running "everything" while a plugin could not load is not everything.
            var failed = names.isEmpty && !catalog.failures.isEmpty
            var followUps: FollowUpSummary?
            defer { Progress.clear() }
            let results = try engine.run(names, asOf: instant, dryRun: dryRun, rewind: rewind) { progress in
                Progress.clear()
                switch progress {
                case .followUps(let summary):
                    followUps = summary
                case .profilesBuilt(let customers, let duration, let origin):
                    let seconds = String(format: "%.2f", Double(duration.wholeMilliseconds) / 1000)
                    let how = switch origin {
                    case .built: "built"
                    case .kept: "read (kept)"
                    case .patched(let changed): "read (kept, \(changed) changed built again)"
                    }
                    print("profiles of \(customers) customers \(how) in \(seconds) s")
                case .fieldComputed(let result):
                    if !reportFields([result]) { failed = true }
                }
            }
            Progress.clear()
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
            if outcome.removed > 0 {
                print("  \(outcome.removed) memberships removed: customers created after \(outcome.asOf.iso8601)")
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
            let catalog = try global.loadPlugins()
            guard let found = catalog.segmentation(named: name) else {
                throw NameSuggestion.unknown("segmentation", name, known: catalog.segmentations.map(\.segmentation.name))
            }
            let sizes = try global.openDatabase().segmentSizes().filter { $0.segmentation == name }
            let total = sizes.reduce(0) { $0 + $1.customers }
            let rows: [[JSONValue]] = found.segmentation.segments.map { segment in
                let count = sizes.first { $0.segment == segment }?.customers ?? 0
                return [.string(segment), .count(count), .decimal(total == 0 ? "0.0" : String(format: "%.1f", Double(count) * 100 / Double(total)))]
            }
            if format == .table {
                print("\(name) (\(found.plugin.name) \(found.plugin.version))" + (found.segmentation.description.map { ": \($0)" } ?? ""))
            }
            try Output(format: format).print(columns: ["segment", "customers", "percent"], values: rows)
        }
    }

    struct Members: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the customers of a segmentation (or of one segment), sorted by customer id.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The segmentation.") var name: String
        @Argument(help: "Only this segment (exact spelling, as `crm segment show NAME` lists them).") var segment: String?
        @Option(parsing: .unconditional, help: "At most this many customers (the first by customer id).") var limit: Int?
        @Option(help: "table, csv or json.") var format: OutputFormat = .table

        func validate() throws { try checkLimit(limit) }

        func run() throws {
            let database = try global.openDatabase()
            // Names come from the plugins and from what is stored (a plugin may be gone).
            let catalog = try global.loadPlugins(required: false)
            // The stored names (a scan of the memberships) are read only when the plugins do not declare the name.
            let declared = catalog.segmentation(named: name)?.segmentation.segments
            if declared == nil { try catalog.requireSegmentation(name, storedIn: database) }
            if let segment, declared?.contains(segment) != true {
                var segments = declared ?? []
                segments += try database.segmentSizes().filter { $0.segmentation == name && !segments.contains($0.segment) }.map(\.segment)
                guard segments.contains(segment) else {
                    throw NameSuggestion.unknown("segment", segment, known: segments, context: " in segmentation '\(name)'")
                }
            }
            let members = try SegmentReasons(database: database, catalog: catalog).members(segmentation: name, segment: segment, limit: limit)
            try Output(format: format).print(
                columns: ["customer_id", "segment", "reason", "since"],
                rows: members.lazy.map { [$0.customerID, $0.segment, $0.reason, $0.since.iso8601] })
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show every change of segment of one customer, oldest first.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The customer's id.") var customer: String
        @Option(help: "table, csv or json.") var format: OutputFormat = .table

        func run() throws {
            let database = try global.openDatabase()
            guard try database.customer(id: customer) != nil else { throw try database.unknownCustomer(customer) }
            // Merges of duplicates into this customer stand between the changes, by date.
            let changes = try database.transitions(customerID: customer).map { transition -> (Timestamp, [JSONValue]) in
                (transition.asOf, [
                    .string(transition.asOf.iso8601), .string(transition.segmentation), .text(transition.from), .string(transition.to),
                    .text(nil), .integer(transition.runID),
                ])
            }
            let merges = try database.merges(into: customer).map { merge -> (Timestamp, [JSONValue]) in
                (merge.mergedAt, [
                    .string(merge.mergedAt.iso8601), .string("(merge)"), .string("customer \(merge.duplicate)"), .string("merged into \(customer)"),
                    .string(merge.summary), .integer(merge.runID),
                ])
            }
            try Output(format: format).print(
                columns: ["as_of", "segmentation", "from", "to", "reason", "run"],
                values: (changes + merges).enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map(\.element.1))
        }
    }
}
