import ArgumentParser
import CRMCore
import Foundation

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write customers, orders or interactions as CSV (importable again) or JSON.",
        discussion: """
            Records are sorted by id. Times are written in UTC (Z); amounts with the currency's
            decimals; customers get a column per custom field of the loaded plugins. `crm import`
            reads the CSV back to the same records.

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

    func run() throws {
        let database = try global.openDatabase()
        // Without the plugins the custom-field columns would silently go missing.
        let fields = kind == .customers ? try global.loadPlugins(required: try !database.fieldCounts().isEmpty).fields.map(\.name) : []
        let columns = kind.columns + fields
        switch format {
        case .csv:
            let writer = try output.map { try CSVWriter(path: $0) } ?? CSVWriter.standardOutput()
            try writer.write(row: columns)
            try database.exportRecords(kind, customFields: fields) { values in try writer.write(row: values.map { $0 ?? "" }) }
            try writer.close()
        case .json:
            // One JSON array, streamed record by record so memory stays flat.
            let stream = try TextStream(path: output)
            var first = true
            stream.write("[")
            try database.exportRecords(kind, customFields: fields) { values in
                let object = Dictionary(uniqueKeysWithValues: zip(columns, values.map { $0.map { $0 as Any } ?? NSNull() }))
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
                stream.write((first ? "\n  " : ",\n  ") + String(decoding: data, as: UTF8.self))
                first = false
            }
            stream.write(first ? "]\n" : "\n]\n")
            stream.close()
        }
    }
}
