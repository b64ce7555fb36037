import ArgumentParser
import CRMCore

/// `crm quality`: the data problems that make segments wrong, counted with examples.
struct QualityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quality",
        abstract: "Count the data problems that make segments wrong, with a few examples of each.",
        discussion: """
            Checks: customers missing a name, any contact or a creation date; duplicate-looking
            customers (same email trimmed and lower-cased, or same phone digits); orders dated in
            the future or before their customer was created; customers with no order or
            interaction in the last --stale-days; stored custom-field values that no longer fit
            their declaration; segmentations not run since the last import. Every check is
            listed, 0 when clean; the exit status is 0 either way.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "A customer with no order or interaction in this many days is stale.") var staleDays = 365
    @Option(help: ArgumentHelp("The instant to check against (ISO-8601; default now).", valueName: "time")) var now: String?
    @Option(help: "table, csv or json.") var format: OutputFormat = .table

    func validate() throws {
        guard staleDays > 0 else { throw ValidationError("--stale-days must be at least 1") }
    }

    func run() throws {
        let instant = try parseAsOf(now)
        let quality = try DataQuality.inspect(
            try global.openDatabase(), catalog: global.loadPlugins(required: false, warn: false), now: instant,
            staleSince: Timestamp(microsecondsSinceEpoch: instant.microsecondsSinceEpoch - Int64(staleDays) * 86_400_000_000))
        if format == .json {
            try Output(format: .json).printJSON(Self.objects(quality))
            return
        }
        var table = ResultTable(columns: ["check", "count", "examples", "description"])
        for finding in quality.findings {
            table.rows.append([.text(finding.check), .integer(finding.count), .text(finding.examples.joined(separator: " ")), .text(finding.description)])
        }
        try table.print(format)
    }

    /// The findings as JSON objects: counts as numbers, examples as an array.
    static func objects(_ quality: DataQuality) -> [[String: Any]] {
        quality.findings.map { ["check": $0.check, "count": $0.count, "examples": $0.examples, "description": $0.description] }
    }
}
