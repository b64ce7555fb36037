import ArgumentParser
import CRMCore
import Foundation

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Build a fresh demo database from examples/ and show what is in it.",
        discussion: """
            Imports examples/customers.csv, orders.csv and interactions.csv into a new database
            (default ./crm-demo.sqlite; a database the demo did not create is never replaced) and
            prints a summary. Afterwards, explore it with e.g.
              crm customer show 1 --db crm-demo.sqlite
            """
    )

    @Option(help: ArgumentHelp("The demo database file.", valueName: "path"))
    var db = "crm-demo.sqlite"

    @Option(help: ArgumentHelp("Folder with the example CSV files.", valueName: "dir"))
    var examples = "examples"

    func run() throws {
        let report = try Demo.build(examples: examples, databasePath: db)
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
        if let top = summary.topCustomers.first {
            print("\nNext: crm customer show \(top.id) --db \(report.databasePath)")
        }
    }
}
