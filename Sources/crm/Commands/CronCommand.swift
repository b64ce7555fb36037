import ArgumentParser
import CRMCore

struct CronCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cron",
        abstract: "Check cron expressions: when would a schedule run?",
        subcommands: [Next.self]
    )

    struct Next: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the next instants a cron expression is due, one per line, in UTC.",
            discussion: """
                Five fields (minute hour day-of-month month day-of-week) with Vixie cron syntax, or
                @hourly, @daily, @weekly, @monthly, @yearly. Times are wall-clock times in --tz.

                Examples:
                  crm cron next "30 2 * * *" --tz Europe/Berlin --count 3
                  crm cron next "0 9 * * mon-fri" --after 2025-01-01T00:00:00Z
                """)

        @Argument(help: "The cron expression (quote it).") var expression: String
        @Option(help: ArgumentHelp("Instants after this one (ISO-8601; default now).", valueName: "time")) var after: String?
        @Option(help: "How many instants to print.") var count = 5
        @Option(help: ArgumentHelp("The IANA time zone of the expression.", valueName: "zone")) var tz = "UTC"

        func validate() throws {
            guard count > 0 else { throw ValidationError("--count must be at least 1") }
        }

        func run() throws {
            let schedule = try CronSchedule(expression, timeZone: tz)
            let start: Timestamp
            do {
                start = try after.map { text throws(ValueError) in try Timestamp.parse(text) } ?? Timestamp.now()
            } catch {
                throw CRMError.invalidArgument("--after \(error.description)")
            }
            for instant in schedule.upcoming(after: start, count: count) {
                print(instant.iso8601)
            }
        }
    }
}
