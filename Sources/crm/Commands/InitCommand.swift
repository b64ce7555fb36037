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

            Example:
              crm init --db shop.sqlite --currency EUR
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("ISO 4217 code of the currency of all amounts, in any case (eur is EUR).", valueName: "code"))
    var currency: String = Currency.defaultCode

    func run() throws {
        // Checked before the file exists: a failed init must not leave a database behind.
        let currency = try Currency(code: currency)
        let path = global.databasePath
        let existed = FileManager.default.fileExists(atPath: path)
        do {
            let database = try CRMDatabase(path: path, adopt: true)
            try database.setCurrency(currency)
        } catch {
            if !existed {
                for suffix in ["", "-wal", "-shm", "-journal", "-lock"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
            throw error
        }
        print("\(existed ? "Opened" : "Created") \(path) (currency \(currency.code)).")
    }
}
