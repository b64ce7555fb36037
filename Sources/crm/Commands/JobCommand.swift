import ArgumentParser
import CRMCore
import Foundation

struct JobCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "job",
        abstract: "List the plugins' jobs, run one now, read what ran, resume a paused job.",
        discussion: """
            Examples:
              crm job list
              crm job run nightly --as-of 2025-01-01T02:30:00Z
              crm job history nightly --format csv
              crm job resume nightly
            """,
        subcommands: [List.self, Run.self, History.self, Resume.self, Settings.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List jobs: plugin, schedule, time zone, next run, last outcome and whether paused.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "table, csv or json.") var format: OutputFormat = .table
        @Option(help: ArgumentHelp("Next runs after this instant (default now).", valueName: "time")) var now: String?

        func run() throws {
            let instant = try SchedulerSupport.instant(now, option: "--now") ?? Timestamp.now()
            try Self.printJobs(global: global, database: try global.openDatabase(), now: instant, format: format)
        }

        static func printJobs(global: GlobalOptions, database: CRMDatabase, now: Timestamp, format: OutputFormat) throws {
            let (jobs, problems) = try global.loadPlugins().jobs(in: database)
            for problem in problems { Progress.warn("warning: \(problem)") }
            let states = try database.jobStates()
            let last = try database.lastJobOutcomes()
            let columns = ["job", "plugin", "schedule", "timezone", "budget_s", "next_run", "last_run", "last_outcome", "paused"]
            var rows: [[Any?]] = []
            for job in jobs {
                let state = states[job.name]
                rows.append([
                    job.name, job.plugin.name, job.schedule.expression.text, job.schedule.zoneName, job.definition.budget,
                    state?.pausedAt == nil ? job.schedule.next(after: now)?.secondsISO8601 : nil, last[job.name]?.scheduledFor.secondsISO8601,
                    last[job.name]?.outcome, state?.pausedAt.map { _ in state?.pausedReason ?? "paused" },
                ])
            }
            try JobTable(columns: columns, rows: rows).print(format)
        }
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a job now, once, recorded like a scheduled run (keyed by job and --as-of).")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The job's name.") var name: String
        @Option(help: ArgumentHelp("The instant the job runs as of (ISO-8601; default now).", valueName: "time")) var asOf: String?

        func run() throws {
            let database = try global.openDatabase()
            let now = Timestamp.now()
            let slot = try SchedulerSupport.instant(asOf, option: "--as-of")
                ?? Timestamp(microsecondsSinceEpoch: now.microsecondsSinceEpoch / 1_000_000 * 1_000_000)
            let global = global
            let scheduler = Scheduler(
                database: database, plugins: { PluginCatalog.load(directories: global.pluginDirectories) }, clock: SystemClock(), logger: SchedulerSupport.logger(),
                registers: false)
            let outcome = try scheduler.runNow(name, asOf: slot)
            if let error = outcome.error {
                Progress.warn("Error: job \(name) as of \(slot.secondsISO8601) failed after \(SchedulerSupport.seconds(outcome.duration)) s: \(error)")
                throw ExitCode.failure
            }
            print("job \(name) as of \(slot.secondsISO8601): succeeded in \(SchedulerSupport.seconds(outcome.duration)) s")
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "What ran: each job instance, newest first, with its outcome and error.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "Only this job's instances.") var name: String?
        @Option(help: "How many instances to show.") var limit = 50
        @Option(help: "table, csv or json.") var format: OutputFormat = .table

        func run() throws {
            let history = try global.openDatabase().jobHistory(job: name, limit: limit)
            let columns = ["job", "scheduled_for", "started_at", "finished_at", "outcome", "error", "trigger", "attempts"]
            let rows: [[Any?]] = history.map { item in
                [
                    item.job, item.scheduledFor.secondsISO8601, item.startedAt.secondsISO8601, item.finishedAt?.secondsISO8601, item.outcome,
                    format == .table ? item.error?.split(separator: "\n").first.map(String.init) : item.error, item.trigger, item.attempts,
                ]
            }
            try JobTable(columns: columns, rows: rows).print(format)
        }
    }

    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a job paused after failing too many times in a row.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The job's name.") var name: String

        func run() throws {
            try global.openDatabase().resumeJob(name)
            print("job \(name) resumed; its latest missed slot runs at the scheduler's next tick")
        }
    }

    struct Settings: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show or change job settings of this database.")

        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("Pause a job after this many failures in a row (default 5).", valueName: "n")) var pauseAfter: Int?

        func run() throws {
            let database = try global.openDatabase()
            if let pauseAfter { try database.setJobPauseAfterFailures(pauseAfter) }
            print("pause_after_failures  \(try database.jobPauseAfterFailures())")
        }
    }
}

/// Rows of mixed values: text in tables and CSV, numbers as numbers in JSON.
struct JobTable {
    let columns: [String]
    let rows: [[Any?]]

    func print(_ format: OutputFormat) throws {
        try Output(format: format).print(columns: columns, values: rows.map { row in
            row.map { value -> JSONValue in
                switch value {
                case let number as Int: .count(number)
                case let number as Double: number == number.rounded() && abs(number) < 1e15 ? .integer(Int64(number)) : .number(number)
                case let text as String: .string(text)
                default: .null
                }
            }
        })
    }
}
