import ArgumentParser
import CRMCore
import Foundation

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write customers, orders or interactions as CSV (importable again) or JSON.",
        discussion: """
            Records are sorted by id. Times are written in UTC (Z); amounts with the currency's
            decimals; customers get a column per custom field of the loaded plugins, except
            computed fields (add --computed for them), and a tags column (comma-separated). `crm import` reads the CSV back to the
            same records. In JSON, orders carry their currency beside the amounts.

            Examples:
              crm export customers > customers.csv
              crm export orders --format json --output orders.json
            """
    )

    enum ExportFormat: String, ExpressibleByArgument, CaseIterable { case csv, json }

    @OptionGroup var global: GlobalOptions

    @Argument(help: "What to export: customers, orders or interactions.")
    var kind: RecordKind

    @Option(help: "csv or json.")
    var format: ExportFormat = .csv

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    /// How a column's text becomes a JSON value.
    static func jsonType(_ column: String) -> (String) -> JSONValue {
        switch column {
        case "quantity": return { Int64($0).map(JSONValue.integer) ?? .string($0) }
        case "unit_price", "amount": return JSONValue.decimalOrText
        default: return JSONValue.string
        }
    }

    static func jsonType(_ type: FieldType) -> (String) -> JSONValue {
        { JSONValue.field($0, type: type) }
    }

    @Flag(help: "Customers: also write computed fields (a file with them cannot be imported back: computed fields are not imported).")
    var computed = false

    func run() throws {
        let database = try global.openDatabase()
        // Without the plugins the custom-field columns would silently go missing.
        let customFields = kind == .customers
            ? try global.loadPlugins(required: try database.hasFieldValues()).fields.filter { computed || !$0.definition.isComputed } : []
        let fields = customFields.map(\.name)
        let columns = kind.columns + fields + (kind == .customers ? ["tags"] : [])
        switch format {
        case .csv:
            let writer = try output.map { try CSVWriter(path: $0) } ?? CSVWriter.standardOutput()
            try writer.write(row: columns)
            try database.exportRecords(kind, customFields: fields, tags: kind == .customers) { values in try writer.write(row: values.map { $0 ?? "" }) }
            try writer.close()
        case .json:
            // One JSON array, streamed record by record so memory stays flat.
            let stream = try TextStream(path: output)
            let types = kind.columns.map(Self.jsonType) + customFields.map { Self.jsonType($0.definition.type) }
            // Money is a decimal number; the currency goes beside it.
            let currency: [(String, JSONValue)] = kind == .orders ? [("currency", .string(try database.currency().code))] : []
            var first = true
            stream.write("[")
            try database.exportRecords(kind, customFields: fields, tags: kind == .customers) { values in
                let members = zip(columns, zip(values, types)).map { column, item in
                    (column, item.0.map(item.1) ?? JSONValue.null)
                }
                stream.write((first ? "\n  " : ",\n  ") + JSONValue.object(members + currency).json(indent: nil))
                first = false
            }
            stream.write(first ? "]\n" : "\n]\n")
            stream.close()
        }
    }
}
