import ArgumentParser
import CRMCore
import Foundation

struct FieldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "field",
        abstract: "Custom fields that plugins declare: list, read, set, compute and check them.",
        discussion: """
            A plugin declares fields in its `fields` section (see docs/plugins.md); values come from
            extra columns of the customers CSV, from `crm field set`, or from the field's compute
            function. Values are never deleted when a plugin is removed or changed.

            Examples:
              crm field list
              crm field set 42 customer_level gold
              crm field get 42
              crm field compute lifetime_value --as-of 2025-01-01
              crm field check
            """,
        subcommands: [List.self, Get.self, Set.self, Compute.self, Check.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every field: its plugin, type and how many customers have a value; fields whose plugin is gone too.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "table, csv or json.") var format: OutputFormat = .table

        func run() throws {
            let fields = try CustomFields(database: try global.openDatabase(), catalog: try global.loadPlugins()).list()
            try Output(format: format).print(
                columns: ["field", "plugin", "type", "label", "customers"],
                values: fields.map { [.string($0.name), .text($0.plugin), .string($0.type), .text($0.label), .count($0.customersWithValue)] })
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A customer's field values (stored, computed or the default).")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The customer's id.") var customer: String
        @Argument(help: "One field (default: all).") var name: String?
        @Option(help: "table, csv or json.") var format: OutputFormat = .table

        func run() throws {
            let catalog = try global.loadPlugins()
            let readings = try CustomFields(database: try global.openDatabase(), catalog: catalog).get(customerID: customer, name: name)
            try Output(format: format).print(
                columns: ["field", "value", "source"],
                values: readings.map { reading in
                    [
                        .string(reading.name), reading.value.map { JSONValue.field($0, type: catalog.field(named: reading.name)?.definition.type) } ?? .null,
                        .string(reading.source.rawValue),
                    ]
                })
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a customer's value of a field, checked against its declaration; an empty value removes it.",
            discussion: "Example:\n  crm field set 42 preferred_channel email")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The customer's id.") var customer: String
        @Argument(help: "The field.") var name: String
        @Argument(help: "The value, as text (\"\" to remove).") var value: String

        func run() throws {
            let stored = try CustomFields(database: try global.openDatabase(), catalog: try global.loadPlugins())
                .set(customerID: customer, name: name, text: value)
            print(stored.map { "customer \(customer): \(name) = \($0)" } ?? "customer \(customer): \(name) removed")
        }
    }

    struct Compute: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute computed fields for every customer now (crm segment run does it too).")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "Fields to compute (default: every computed field).") var names: [String] = []
        @Option(help: ArgumentHelp("Compute as of this instant (ISO-8601; default now).", valueName: "time")) var asOf: String?

        func run() throws {
            let results = try CustomFields(database: try global.openDatabase(), catalog: try global.loadPlugins())
                .compute(names, asOf: try parseAsOf(asOf))
            if results.isEmpty { Progress.warn("No plugin declares a computed field.") }
            if !reportFields(results) { throw ExitCode.failure }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List stored values that no longer fit their field (a changed type or enum); nothing is changed.",
            discussion: "Exits 1 when there are such values, so it can guard a plugin change.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "table, csv or json.") var format: OutputFormat = .table

        func run() throws {
            let findings = try CustomFields(database: try global.openDatabase(), catalog: try global.loadPlugins()).check()
            try Output(format: format).print(
                columns: ["customer_id", "field", "stored", "problem"],
                rows: findings.map { [$0.customerID, $0.field, $0.stored, $0.reason] })
            if findings.isEmpty {
                Progress.warn("Every stored value fits its field.")
                return
            }
            throw ExitCode.failure
        }
    }
}

/// Prints how computing fields went; false when one failed.
func reportFields(_ results: [Result<FieldComputation, SegmentationError>]) -> Bool {
    var succeeded = true
    for result in results {
        switch result {
        case .success(let done):
            print("field \(done.field) (\(done.plugin.name) \(done.plugin.version)): \(done.customers) customers, \(done.changed) changed")
        case .failure(let error):
            succeeded = false
            Progress.warn("Error: field '\(error.segmentation)' could not be computed, values unchanged: \(error)")
        }
    }
    return succeeded
}
