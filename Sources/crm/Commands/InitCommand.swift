import ArgumentParser
import CRMCore
import Foundation

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a database (or bring an existing one to the current schema).",
        discussion: """
            Every amount in a database is in one currency, stored as whole minor units (cents).
            It cannot change once orders exist.

            Calendar days (recency_days, profile windows, age, the outbox's days and quiet hours)
            are counted in the business time zone, UTC unless --timezone names another. Giving
            --timezone to an existing database changes it for every later run; without it the
            stored zone is kept.

            Example:
              crm init --db shop.sqlite --currency EUR --timezone Europe/Berlin
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("ISO 4217 code of the currency of all amounts, in any case (eur is EUR).", valueName: "code"))
    var currency: String = Currency.defaultCode

    @Option(help: ArgumentHelp("IANA time zone calendar days are counted in (default UTC for a new database).", valueName: "zone"))
    var timezone: String?

    func run() throws {
        // Checked before the file exists: a failed init must not leave a database behind.
        let currency = try Currency(code: currency)
        let zone = try timezone.map { try BusinessTimeZone($0) }
        let path = global.databasePath
        let existed = FileManager.default.fileExists(atPath: path)
        let stored: BusinessTimeZone
        do {
            let database = try CRMDatabase(path: path, adopt: true)
            try database.setCurrency(currency)
            if let zone { try database.setBusinessTimeZone(zone) }
            stored = try database.businessTimeZone()
        } catch {
            if !existed {
                for suffix in ["", "-wal", "-shm", "-journal", "-lock"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
            throw error
        }
        print("\(existed ? "Opened" : "Created") \(path) (currency \(currency.code), time zone \(stored)).")
    }
}
