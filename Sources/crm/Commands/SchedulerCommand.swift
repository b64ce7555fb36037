import ArgumentParser
import CRMCore
import Foundation

struct SchedulerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scheduler",
        abstract: "Run the plugins' jobs when they are due, and check that a scheduler is running.",
        discussion: """
            Each job instance (job, scheduled instant) is claimed with a lease in the database, so
            several schedulers on one database never run it twice. Slots missed while no scheduler
            ran are caught up once (the latest). SIGINT and SIGTERM finish the current job, then exit 0.
            Logs go to standard error, one line per job start and end.

            Examples:
              crm scheduler                                   # run until stopped
              crm scheduler --once                            # run what is due now, then exit
              crm scheduler --once --now 2025-01-02T02:30:00Z
              crm scheduler status                            # exit 1 when no scheduler beats
            """,
        subcommands: [Run.self, Status.self],
        defaultSubcommand: Run.self
    )

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run due jobs in a loop (or once) until SIGINT or SIGTERM.")

        @OptionGroup var global: GlobalOptions
        @Flag(help: "Run what is due now, then exit.") var once = false
        @Option(help: ArgumentHelp("Start the clock at this instant (ISO-8601; default: the system clock).", valueName: "time"))
        var now: String?
        @Option(help: ArgumentHelp("Seconds a claimed job stays claimed without a heartbeat.", valueName: "seconds"))
        var lease = Scheduler.Timing().leaseSeconds

        func validate() throws {
            guard lease >= 4 else { throw ValidationError("--lease must be at least 4 seconds (a scheduler beats at least every quarter lease)") }
        }

        func run() throws {
            let database = try global.openDatabase()
            let start = try SchedulerSupport.instant(now, option: "--now")
            // Time runs on from --now (also with --once): leases renewed during a long job must move.
            let clock = SystemClock(startingAt: start)
            let global = global
            let scheduler = Scheduler(
                database: database, plugins: { PluginCatalog.load(directories: global.pluginDirectories) }, clock: clock, logger: SchedulerSupport.logger(),
                timing: Scheduler.Timing(leaseSeconds: lease, heartbeatSeconds: min(Scheduler.Timing().heartbeatSeconds, lease / 4)))
            let stop = StopRequest()
            let signals = SchedulerSupport.stopOnSignals(stop)
            try withExtendedLifetime(signals) {
                if once {
                    let outcomes = try scheduler.tick(stop: stop)
                    if outcomes.isEmpty { Progress.warn("no job was due at \(clock.now().secondsISO8601)") }
                } else {
                    try scheduler.loop(stop: stop)
                }
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show schedulers and their heartbeats, running jobs and the next due jobs; exit 1 when no scheduler beats.")

        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("Judge heartbeats as of this instant (default now).", valueName: "time")) var now: String?

        func run() throws {
            let database = try global.openDatabase()
            let instant = try SchedulerSupport.instant(now, option: "--now") ?? Timestamp.now()
            let schedulers = try database.schedulers()
            print("Schedulers")
            try Output(format: .table).print(
                columns: ["scheduler", "started_at", "heartbeat_at", "period_s", "state"],
                rows: schedulers.map { item in
                    [
                        item.id, item.startedAt.secondsISO8601, item.heartbeatAt.secondsISO8601, String(item.periodSeconds),
                        item.stoppedAt.map { "stopped \($0.secondsISO8601)" } ?? (item.isAlive(at: instant) ? "alive" : "silent"),
                    ]
                })
            let running = try database.runningJobInstances()
            print("\nRunning jobs")
            try Output(format: .table).print(
                columns: ["job", "scheduled_for", "owner", "heartbeat_at", "lease_expires_at", "attempt"],
                rows: running.map { item in
                    [item.job, item.scheduledFor.secondsISO8601, item.owner, item.heartbeatAt?.secondsISO8601, item.leaseExpiresAt?.secondsISO8601, String(item.attempts)]
                })
            print("\nNext due")
            try JobCommand.List.printJobs(global: global, database: database, now: instant, format: .table)
            guard schedulers.contains(where: { $0.isAlive(at: instant) }) else {
                Progress.warn("unhealthy: no scheduler has beaten within its period as of \(instant.secondsISO8601)")
                throw ExitCode.failure
            }
        }
    }
}
