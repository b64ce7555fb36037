import ArgumentParser
import CRMCore

/// `crm report --html FILE`: one self-contained page with the evaluation charts and tables.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write one self-contained HTML page: segment sizes, rank grids, transitions, outcomes, follow-ups, jobs, data quality.",
        discussion: """
            The page needs no network and no script: style and SVG charts are inline, every
            chart has a title and a table with the same numbers, and it prints. Outcomes use the
            last run of each segmentation whose --window has ended. The numbers behind it come
            as JSON from `crm report --format json` (one object, the keys of `crm segment
            report|outcomes`, `crm quality` and `crm job history`).
            Examples:
              crm report --html report.html --window 90d
              crm report --format json > report.json
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("The HTML file to write.", valueName: "file")) var html: String?
    @Option(help: ArgumentHelp("The outcome window: 90d or 12w.", valueName: "length")) var window = "90d"
    @Option(help: "json prints the report's numbers instead of writing a page.") var format: ReportFormat?

    enum ReportFormat: String, ExpressibleByArgument {
        case json
    }

    func validate() throws {
        guard (html == nil) != (format == nil) else { throw ValidationError("give either --html FILE or --format json") }
    }

    func run() throws {
        let length = try parseWindow(window)
        let database = try global.openDatabase()
        guard let html else {
            let report = try EvaluationReport.gather(database, catalog: global.loadPlugins(required: false, warn: false), window: length)
            try Output(format: .json).printJSON(ReportJSON.object(report))
            return
        }
        let bytes = try HTMLReport.write(database, catalog: global.loadPlugins(), to: html, window: length)
        print("wrote \(html) (\(bytes) bytes)")
    }
}
