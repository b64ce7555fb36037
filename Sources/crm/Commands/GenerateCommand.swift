import ArgumentParser
import CRMCore
import Foundation

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a deterministic synthetic data set (customers, orders, interactions CSV).",
        discussion: """
            The same options always give byte-identical files; with --order customer (the default)
            a smaller data set is a prefix of a larger one with the same seed. The mix: about 15% never buy (some are prospects with
            interactions), one-time and bulk buyers, repeat buyers with their own purchase cycle,
            dormant and churned buyers, and skewed spend; about 10.2 orders and 4.9 interactions
            per customer, all before --as-of.

            --order says how orders.csv and interactions.csv are laid out: 'customer' groups each
            customer's rows together (in time order); 'chronological' writes the same rows, with
            the same ids, in time order across customers, the way shops and CRMs export them
            (sorted through temporary files in a hidden folder inside --out, in bounded memory).
            customers.csv is in id order either way.

            Examples:
              crm generate --customers 300 --seed 7 --out examples
              crm generate --customers 1000000 --out /tmp/crm-L      # about 1.1 GB, a few seconds
              crm generate --customers 100000 --order chronological --out /tmp/crm-M-chrono
            """
    )

    @Option(parsing: .unconditional, help: "How many customers (0 or more; 0 writes header-only files).")
    var customers: Int

    @Option(help: "Seed of the random generator.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Folder for customers.csv, orders.csv and interactions.csv (created if missing).", valueName: "dir"))
    var out: String

    @Option(help: ArgumentHelp("The data set's 'now': every order and interaction is before it (ISO-8601).", valueName: "time"))
    var asOf = "2025-01-01T00:00:00Z"

    @Option(help: ArgumentHelp("Row order of orders.csv and interactions.csv: customer (grouped by customer) or chronological (time order across customers).", valueName: "order"))
    var order: RowOrder = .customer

    func validate() throws {
        if customers < 0 { throw ValidationError("--customers must be 0 or more, got \(customers)") }
    }

    func run() throws {
        let asOfInstant: Timestamp
        do {
            asOfInstant = try Timestamp.parse(asOf)
        } catch {
            throw ValidationError("--as-of \(error.description)")
        }
        let options = GeneratorOptions(customers: customers, seed: seed, asOf: asOfInstant.microsecondsSinceEpoch, order: order)
        let counts = try SyntheticDataSet.write(options: options, to: URL(fileURLWithPath: out))
        print("Wrote \(counts.customers) customers, \(counts.orders) orders and \(counts.interactions) interactions to \(out)/.")
    }
}

extension RowOrder: ExpressibleByArgument {}
