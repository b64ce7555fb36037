import ArgumentParser
import CRMCore

@main
struct CRM: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crm",
        abstract: "Know your customers: import them, segment them with Lua plugins, act on the segments.",
        discussion: """
            Data lives in one SQLite file (--db, default $CRM_DB or ./crm.sqlite).

            Start here:
              crm init --currency EUR
              crm import customers examples/customers.csv
              crm import orders examples/orders.csv
              crm import interactions examples/interactions.csv
              crm customer show 42
            or run `crm demo` to see all of it on the example data.
            """,
        version: CRMVersion.current,
        subcommands: [
            InitCommand.self, ImportCommand.self, ExportCommand.self, CustomerCommand.self, RunsCommand.self,
            PluginCommand.self, SegmentCommand.self, ScoreCommand.self, TaskCommand.self, OutboxCommand.self, FieldCommand.self,
            GenerateCommand.self, DemoCommand.self, JobCommand.self, SchedulerCommand.self, CronCommand.self, QualityCommand.self,
            ReportCommand.self,
        ]
    )
}
