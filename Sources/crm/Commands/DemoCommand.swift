import ArgumentParser
import CRMCore
import Foundation

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Build a fresh demo database from examples/ and show what is in it.",
        discussion: """
            Imports examples/customers.csv, orders.csv and interactions.csv into a new database
            (default ./crm-demo.sqlite; a database the demo did not create is never replaced),
            runs every segmentation and score of the plugins (default ./plugins) as of the
            example data's date, and prints what came out. Afterwards, explore it with e.g.
              crm customer show 1 --db crm-demo.sqlite
              crm segment members rfm "At Risk" --db crm-demo.sqlite
            """
    )

    @Option(help: ArgumentHelp("The demo database file.", valueName: "path"))
    var db = "crm-demo.sqlite"

    @Option(help: ArgumentHelp("Folder with the example CSV files.", valueName: "dir"))
    var examples = "examples"

    @Option(help: ArgumentHelp("Plugin folder; repeat for several.", valueName: "dir"))
    var plugins: [String] = ["plugins"]

    @Option(help: ArgumentHelp("Segment as of this instant (the example data ends just before it).", valueName: "time"))
    var asOf = "2025-01-01T00:00:00Z"

    func run() throws {
        let report = try Demo.build(examples: examples, databasePath: db, pluginDirectories: plugins, asOf: try parseAsOf(asOf))
        let scale = report.currency.scale
        func money(_ minorUnits: Int64) -> String { Money.formatMinorUnits(minorUnits, scale: scale) + " " + report.currency.code }
        print("Demo database: \(report.databasePath)\n")
        print("Imported")
        for item in report.imports {
            print("  \(item.kind.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0)) \(item.recordsRead) records from \(item.file)")
        }
        let summary = report.summary
        print("\nCustomers     \(summary.customers) (\(summary.buyers) have ordered, \(summary.customers - summary.buyers) never have)")
        print("Orders        \(summary.orders), revenue \(money(summary.revenue))")
        if let first = summary.firstOrderAt, let last = summary.lastOrderAt {
            print("              from \(first.iso8601) to \(last.iso8601)")
        }
        print("Interactions  \(summary.interactions): " + summary.interactionsByKind.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        print("\nTop customers by revenue")
        try Output(format: .table).print(
            columns: ["id", "name", "orders", "revenue"],
            rows: summary.topCustomers.map { [$0.id, $0.name, String($0.orders), money($0.revenue)] })
        for failure in report.pluginFailures { print("\nPlugin not loaded: \(failure)") }
        print("\nSegments as of \(report.asOf.iso8601)")
        for result in report.segmentations {
            switch result {
            case .failure(let error):
                print("  \(error.segmentation): FAILED: \(error)")
            case .success(let outcome):
                let sizes = outcome.sizes.filter { $0.customers > 0 }.map { "\($0.segment) \($0.customers)" }
                print("  \(outcome.segmentation.padding(toLength: 15, withPad: " ", startingAt: 0)) \(sizes.joined(separator: ", "))")
            }
        }
        for result in report.scores {
            if case .success(let outcome) = result {
                print("  score \(outcome.score): mean \(String(format: "%.1f", outcome.mean)) over \(outcome.customers) customers")
            }
        }
        print("\nA few customers and why they are where they are")
        for item in report.spotlight {
            print("  \(item.customer.id) \(item.customer.name ?? "")")
            for membership in item.memberships {
                print("    \(membership.segmentation.padding(toLength: 15, withPad: " ", startingAt: 0)) \(membership.segment)" + (membership.reason.map { ": \($0)" } ?? ""))
            }
        }
        if let followUps = report.followUps {
            print("\nFollow-ups after the segment run")
            FollowUpReport(summary: followUps, dryRun: false).print()
            print("\nOpen tasks (\(report.tasks.count); the first 5 by due date)")
            try Output(format: .table).print(
                columns: ["id", "customer", "title", "owner", "due"],
                rows: report.tasks.prefix(5).map { [String($0.id), $0.customerID, $0.title, $0.owner, $0.dueDate] })
            var byTemplate: [String: Int] = [:]
            for message in report.messages { byTemplate["\(message.template) (\(message.channel))", default: 0] += 1 }
            print("\nOutbox: \(report.messages.count) messages waiting for `crm outbox send`: "
                + byTemplate.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        let jobs = PluginCatalog.load(directories: plugins).jobs
        if !jobs.isEmpty {
            print("\nScheduled jobs (`crm scheduler` runs them; `crm job list` shows them)")
            for job in jobs {
                let next = job.schedule.next(after: report.asOf)?.iso8601 ?? "never"
                print("  \(job.name) (\(job.plugin.name)): \(job.schedule.expression) \(job.schedule.zoneName), next \(next)")
            }
        }
        if let top = summary.topCustomers.first {
            print("\nNext: crm customer show \(top.id) --db \(report.databasePath)")
            print("      crm segment members rfm \"At Risk\" --db \(report.databasePath)")
            print("      crm task list --open --db \(report.databasePath)")
            print("      crm outbox send --jsonl messages.jsonl --db \(report.databasePath)")
        }
    }
}
