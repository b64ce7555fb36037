import ArgumentParser
import CRMCore
import Foundation

/// `crm segment backtest NAME --as-of PAST --window 90d [--plugin FILE]`.
struct SegmentBacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Segment as of a past instant and measure the window after it; compare a changed plugin file side by side.",
        discussion: """
            Profiles use only the orders and interactions dated up to --as-of and the customers
            created by then; attributes and stored custom-field values are today's (see
            docs/decisions.md). Per segment: customers, the share who ordered in the window
            (repurchase) and the share who had ordered before and did not (churn). One number
            per plugin, separation: the AUC of ranking customers by their segment's repurchase
            rate (0.5 separates nobody, 1 perfectly). Nothing is written to the database.
            Examples:
              crm segment backtest rfm --as-of 2024-06-01 --window 90d
              crm segment backtest lifecycle --as-of 2024-06-01 --window 90d --plugin new/lifecycle.lua
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The segmentation.") var name: String
    @Option(help: ArgumentHelp("The past instant to segment as of (ISO-8601).", valueName: "time")) var asOf: String
    @Option(help: ArgumentHelp("How long after --as-of to measure: 90d or 12w.", valueName: "length")) var window: String
    @Option(help: ArgumentHelp("A changed plugin file to compare with the installed one.", valueName: "file")) var plugin: String?
    @Option(help: "table, csv or json.") var format: OutputFormat = .table

    func run() throws {
        let length = try parseWindow(window)
        let instant = try parseAsOf(asOf)
        let catalog = try global.loadPlugins()
        let backtest = try Backtest.run(
            try global.openDatabase(), catalog: catalog, segmentation: name, asOf: instant, window: length, candidateFile: plugin)
        if format == .json {
            try Output(format: .json).printJSON([
                "segmentation": name, "as_of": instant.iso8601, "window_days": length.days, "window_end": backtest.windowEnd.iso8601,
                "variants": backtest.variants.map { variant in
                    [
                        "plugin": variant.plugin.name, "version": variant.plugin.version, "file": variant.file,
                        "separation": variant.separation.map { $0 as Any } ?? NSNull(),
                        "segments": Self.table([variant]).objects,
                    ] as [String: Any]
                },
            ] as [String: Any])
            return
        }
        if format == .table {
            print("\(name) as of \(instant.iso8601), \(length) window to \(backtest.windowEnd.iso8601)")
            for (index, variant) in backtest.variants.enumerated() {
                let label = index == 0 ? "installed" : "candidate"
                print("  \(label): \(variant.file) (\(variant.plugin.name) \(variant.plugin.version)), separation (AUC) "
                    + (variant.separation.map { String(format: "%.3f", $0) } ?? "n/a"))
            }
        }
        try Self.table(backtest.variants).print(format)
    }

    /// One row per segment (union of the variants'), columns per variant side by side.
    static func table(_ variants: [Backtest.Variant]) -> ResultTable {
        let prefixes = variants.count == 1 ? [""] : ["installed_", "candidate_"]
        var segments: [String] = []
        for variant in variants { for rate in variant.rates where !segments.contains(rate.segment) { segments.append(rate.segment) } }
        var table = ResultTable(columns: ["segment"] + prefixes.flatMap { ["\($0)customers", "\($0)repurchase_rate", "\($0)churn_rate"] })
        for segment in segments {
            var row: [ResultTable.Cell] = [.text(segment)]
            for variant in variants {
                // An empty segment has no rates: blank, not a misleading 0.
                let rate = variant.rates.first { $0.segment == segment && $0.customers > 0 }
                row += [.integer(rate?.customers ?? 0), .rate(rate?.repurchaseRate), .rate(rate?.churnRate)]
            }
            table.rows.append(row)
        }
        return table
    }
}
