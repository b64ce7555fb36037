import ArgumentParser
import CRMCore
import Foundation

struct OutboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "Messages follow-up actions put in the outbox: list them, send them, retry dead ones.",
        discussion: """
            A message is marked sent only after its adapter succeeded: a JSON line appended to a
            file and fsynced (--jsonl), or a command that read the message on its standard input
            and exited 0 (--command). Failures are retried with a doubling wait; after the last
            attempt a message is dead until `crm outbox retry ID`. Every message carries a key
            the receiver can use to drop repeats (delivery is at least once).

            Blocked channels (`crm customer contact`), frequency caps and quiet hours
            (`crm outbox config`) are applied when a message is created and when it is sent.

            Examples:
              crm outbox list --status pending
              crm outbox send --jsonl sent-messages.jsonl
              crm outbox send --command './deliver.sh' --limit 100
              crm outbox config --daily-cap 1 --weekly-cap 3 --quiet-hours 21:00-08:00 --timezone Europe/Berlin
            """,
        subcommands: [List.self, Send.self, Retry.self, Config.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List messages, oldest first.")

        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("Only messages with this status: \(OutboxMessage.Status.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "status"))
        var status: String?
        @Option(help: ArgumentHelp("Only messages to this customer.", valueName: "id")) var customer: String?
        @Option(help: "table, csv or json.") var format: OutputFormat = .table

        func run() throws {
            var wanted: OutboxMessage.Status?
            if let status {
                guard let parsed = OutboxMessage.Status(rawValue: status) else {
                    throw ValidationError("--status \"\(status)\" is not one of \(OutboxMessage.Status.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                wanted = parsed
            }
            let messages = try global.openDatabase().outbox(status: wanted, customerID: customer)
            try Output(format: format).print(
                columns: ["id", "customer_id", "channel", "template", "status", "attempts", "next_attempt_at", "note", "last_error", "key"],
                values: messages.map { message in
                    [.integer(message.id)]
                        + [message.customerID, message.channel, message.template, message.status.rawValue].map(JSONValue.string)
                        + [.count(message.attempts)]
                        + [message.nextAttemptAt?.iso8601, message.note, message.lastError, message.key].map(JSONValue.text)
                })
        }
    }

    struct Send: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deliver the messages that are due through an adapter.")

        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("Append each message as one JSON line to this file.", valueName: "file")) var jsonl: String?
        @Option(help: ArgumentHelp("Run this shell command once per message, the message's JSON on its standard input.", valueName: "command"))
        var command: String?
        @Option(help: "At most this many messages.") var limit: Int = 1000
        @Option(help: ArgumentHelp("Send as of this instant (ISO-8601; default now): for replays and tests.", valueName: "time")) var now: String?

        func validate() throws {
            guard (jsonl == nil) != (command == nil) else { throw ValidationError("give exactly one adapter: --jsonl FILE or --command CMD") }
            guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
        }

        func run() throws {
            let adapter: OutboxAdapter = jsonl.map { .jsonLines(path: $0) } ?? .command(command ?? "")
            let report = try OutboxSender(database: try global.openDatabase(), adapter: adapter).send(limit: limit, now: try parseAsOf(now))
            print("sent \(report.sent), failed \(report.failed) (will retry), dead \(report.dead), suppressed \(report.suppressed), capped \(report.capped), held for quiet hours \(report.held)")
            for error in report.errors { Progress.warn("Error: \(error)") }
            if report.failed + report.dead > 0 { throw ExitCode.failure }
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a failed or dead message pending again, its attempts reset.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The message's id.") var id: Int64

        func run() throws {
            guard let previous = try global.openDatabase().retryMessage(id: id) else { throw CRMError.notFound("no outbox message with id \(id)") }
            print("message \(id) was \(previous.rawValue), now pending")
        }
    }

    struct Config: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show or change the frequency caps, quiet hours, business time zone and retries.",
            discussion: "Without options it prints the settings. Caps count messages per customer and channel; transactional actions are exempt from caps and quiet hours.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "Messages per customer per channel per business day (0 or more).") var dailyCap: Int?
        @Option(help: "Messages per customer per channel per business week, Monday to Sunday.") var weeklyCap: Int?
        @Flag(help: "Remove both caps.") var noCaps = false
        @Option(help: ArgumentHelp("Hold messages in this daily window, HH:MM-HH:MM.", valueName: "window")) var quietHours: String?
        @Flag(help: "Remove the quiet hours.") var noQuietHours = false
        @Option(help: ArgumentHelp("The IANA time zone days, weeks and quiet hours are counted in.", valueName: "zone")) var timezone: String?
        @Option(help: "Delivery attempts before a message is dead.") var maxAttempts: Int?
        @Option(help: "Seconds to wait after the first failure (doubled after each further one).") var backoff: Int?
        @Option(help: "table, csv or json.") var format: OutputFormat = .table

        func run() throws {
            let database = try global.openDatabase()
            var settings = try database.outboxSettings()
            for (name, value) in [("--daily-cap", dailyCap), ("--weekly-cap", weeklyCap)] where (value ?? 0) < 0 {
                throw ValidationError("\(name) must be 0 or more")
            }
            if noCaps { settings.dailyCap = nil; settings.weeklyCap = nil }
            if let dailyCap { settings.dailyCap = dailyCap }
            if let weeklyCap { settings.weeklyCap = weeklyCap }
            if noQuietHours { settings.quietHours = nil }
            if let quietHours { settings.quietHours = try OutboxSettings.QuietHours(parsing: quietHours) }
            // The business time zone (also set by `crm init --timezone`); checked the same way.
            if let timezone { settings.timeZone = try BusinessTimeZone(timezone).identifier }
            if let maxAttempts {
                guard maxAttempts >= 1 else { throw ValidationError("--max-attempts must be at least 1") }
                settings.maxAttempts = maxAttempts
            }
            if let backoff {
                guard backoff >= 0 else { throw ValidationError("--backoff must be 0 or more seconds") }
                settings.backoffSeconds = backoff
            }
            if settings != (try database.outboxSettings()) { try database.saveOutboxSettings(settings) }
            let rows: [[JSONValue]] = [
                [.string("daily_cap"), settings.dailyCap.map(JSONValue.count) ?? .null],
                [.string("weekly_cap"), settings.weeklyCap.map(JSONValue.count) ?? .null],
                [.string("quiet_hours"), .text(settings.quietHours?.description)], [.string("timezone"), .string(settings.timeZone)],
                [.string("max_attempts"), .count(settings.maxAttempts)], [.string("backoff_seconds"), .count(settings.backoffSeconds)],
            ]
            try Output(format: format).print(columns: ["setting", "value"], values: rows)
        }
    }
}
