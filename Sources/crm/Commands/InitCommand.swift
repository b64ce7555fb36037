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

    @Option(help: ArgumentHelp("ISO 4217 code of the currency of all amounts.", valueName: "code"))
    var currency: String = Currency.defaultCode

    func run() throws {
        let existed = FileManager.default.fileExists(atPath: global.databasePath)
        let database = try CRMDatabase(path: global.databasePath)
        try database.setCurrency(try Currency(code: currency))
        print("\(existed ? "Opened" : "Created") \(global.databasePath) (currency \(currency)).")
    }
}
