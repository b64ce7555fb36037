import Foundation
import Testing

@testable import CRMCore

/// Each bad file is refused whole, with the line (and column) of every problem, and leaves the
/// database exactly as it was.
@Suite("Importing bad files")
struct BadInputImportTests {
    static let ordersHeader = "id,customer_id,ordered_at,product,category,quantity,unit_price,amount\n"

    /// A database holding the fixture data, a bad orders file, and what the import said.
    struct Attempt {
        let problems: [ImportProblem]
        let unchanged: Bool
        let database: CRMDatabase
        let sandbox: Sandbox
    }

    static func importOrders(_ body: String, options: ImportOptions = ImportOptions()) throws -> Attempt {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        // A stored custom field value, so the snapshot would see a failed import touch one.
        try database.setFieldValue(customerID: "1", field: "tier", json: "\"gold\"")
        let before = try snapshot(database)
        #expect(before.contains { $0.hasPrefix("field|") } && before.contains { $0.hasPrefix("activity|") } && before.contains { $0.hasPrefix("run|") })
        let path = try sandbox.file("orders.csv", ordersHeader + body)
        var problems: [ImportProblem] = []
        do {
            _ = try Importer(database: database).importFile(.orders, path: path, options: options)
        } catch let error as CRMError {
            problems = error.importProblems
        }
        return Attempt(problems: problems, unchanged: try snapshot(database) == before, database: database, sandbox: sandbox)
    }

    static let good = "900,1,2024-01-01T00:00:00Z,Pen,Office,1,1.50,1.50\n"

    @Test(
        "a bad value is refused with its line and column, and nothing is written",
        arguments: [
            ("abc", "amount", "\"abc\" is not a decimal number"),
            ("1,50", "amount", "\"1,50\" is not a decimal number"),
            ("$1.50", "amount", "\"$1.50\" is not a decimal number"),
            ("", "amount", "is empty"),
            ("NaN", "amount", "\"NaN\" is not a decimal number"),
            ("1e309", "amount", "\"1e309\" is not a decimal number"),
            ("1.234", "amount", "more than 2 decimal places"),
            ("-5.00", "quantity", "1 does not match the amount's sign: a return has a negative amount and a negative quantity"),
        ])
    func badAmount(value: String, column: String, reason: String) throws {
        let field = value.contains(",") ? "\"\(value)\"" : value
        let attempt = try Self.importOrders(Self.good + "901,1,2024-01-01T00:00:00Z,Pen,Office,1,1.50,\(field)\n")
        let problem = try #require(attempt.problems.first)
        #expect(attempt.problems.count == 1)
        #expect(problem.line == 3)
        #expect(problem.column == column)
        #expect(problem.description.contains(reason), "\(problem)")
        #expect(attempt.unchanged)
    }

    @Test(
        "a bad time is refused with its line",
        arguments: [
            "2023-02-29T10:00:00Z", "2024-04-31", "2024-13-01", "2024-01-01T24:00:00Z", "31/12/2023",
            "2023-12-31 10:00:00", "1700000000", "2024-01-01T10:00:00", "",
        ])
    func badTime(value: String) throws {
        let attempt = try Self.importOrders(Self.good + "901,1,\(value),Pen,Office,1,1.50,1.50\n")
        #expect(attempt.problems.map(\.line) == [3])
        #expect(attempt.problems.first?.column == "ordered_at")
        #expect(attempt.unchanged)
    }

    @Test("an order for an unknown customer is refused, not turned into a new customer")
    func unknownCustomer() throws {
        let attempt = try Self.importOrders(Self.good + "901,4711,2024-01-01,Pen,Office,1,1.50,1.50\n")
        #expect(attempt.problems.first?.description.contains("orders.csv:3: column 'customer_id': \"4711\" is not a known customer") == true)
        #expect(try attempt.database.customer(id: "4711") == nil)
        #expect(attempt.unchanged)
    }

    @Test("an id twice in one file is refused at its second line")
    func duplicateID() throws {
        let attempt = try Self.importOrders(Self.good + "901,1,2024-01-01,Pen,Office,1,1.50,1.50\n" + Self.good)
        #expect(attempt.problems.map(\.line) == [4])
        #expect(attempt.problems.first?.reason.contains("more than once") == true)
        #expect(attempt.unchanged)
    }

    @Test("a record with too few or too many fields is refused with its line")
    func wrongFieldCount() throws {
        let attempt = try Self.importOrders(Self.good + "901,1,2024-01-01,Pen\n902,1,2024-01-01,Pen,Office,1,1.50,1.50,extra\n")
        #expect(attempt.problems.map(\.line) == [3, 4])
        #expect(attempt.problems.allSatisfy { $0.reason.contains("fields") })
        #expect(attempt.unchanged)
    }

    @Test("a blank line is refused with its line number")
    func blankLine() throws {
        let attempt = try Self.importOrders(Self.good + "\n901,1,2024-01-01,Pen,Office,1,1.50,1.50\n")
        #expect(attempt.problems.map(\.line) == [3])
        #expect(attempt.unchanged)
    }

    @Test("an unterminated quote is reported at the line where the field opened")
    func unterminatedQuote() throws {
        let attempt = try Self.importOrders(
            Self.good + "901,1,2024-01-01,\"Pen,Office,1,1.50,1.50\n902,1,2024-01-01,Pen,Office,1,1.50,1.50\n")
        #expect(attempt.problems.map(\.line) == [3])
        #expect(attempt.problems.first?.reason.contains("unterminated") == true)
        #expect(attempt.unchanged)
    }

    @Test("every problem in a file is listed, not just the first")
    func listsManyProblems() throws {
        let attempt = try Self.importOrders(
            "901,1,2024-01-01,Pen,Office,1,1.50,abc\n902,1,yesterday,Pen,Office,1,1.50,1.50\n903,9999,2024-01-01,Pen,Office,1,1.50,1.50\n")
        #expect(attempt.problems.map(\.line) == [2, 3, 4])
        #expect(attempt.unchanged)
    }

    @Test("listing stops at the limit and says there may be more")
    func stopsAtLimit() throws {
        var options = ImportOptions()
        options.maxProblems = 2
        let body = (1...5).map { "9\($0),1,2024-01-01,Pen,Office,1,1.50,bad\n" }.joined()
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let path = try sandbox.file("orders.csv", Self.ordersHeader + body)
        #expect {
            try Importer(database: database).importFile(.orders, path: path, options: options)
        } throws: { error in
            guard case .importRejected(let failure) = error as? CRMError else { return false }
            return failure.problems.count == 2 && failure.stoppedEarly && failure.description.contains("or more")
        }
    }

    @Test("an unknown, missing or repeated header column refuses the file at line 1")
    func badHeader() throws {
        let sandbox = try Sandbox()
        let database = try sandbox.database()
        let path = try sandbox.file("customers.csv", "id,name,name,shoe_size\n1,Ann,Ann,38\n")
        #expect {
            try Importer(database: database).importFile(.customers, path: path)
        } throws: { error in
            let problems = (error as? CRMError)?.importProblems ?? []
            return problems.map(\.line) == [1, 1] && problems[0].reason.contains("twice")
                && problems[1].reason.contains("unknown column 'shoe_size'")
        }
        let orders = try sandbox.file("orders.csv", "id,customer_id,amount\n1,1,1.00\n")
        #expect {
            try Importer(database: database).importFile(.orders, path: orders)
        } throws: { error in
            (error as? CRMError)?.importProblems.first?.reason == "the header has no 'ordered_at' column"
        }
    }

    @Test("an interaction of an unknown kind is refused and the known kinds are named")
    func unknownInteractionKind() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let before = try snapshot(database)
        let path = try sandbox.file("interactions.csv", "id,customer_id,kind,occurred_at\n99,1,telepathy,2024-01-01\n")
        #expect {
            try Importer(database: database).importFile(.interactions, path: path)
        } throws: { error in
            (error as? CRMError)?.importProblems.first?.description.contains("interactions.csv:2: column 'kind': \"telepathy\" is not a known interaction kind (known: call,") == true
        }
        #expect(try snapshot(database) == before)
    }

    @Test("a failed import is recorded as a failed run with its error")
    func failedRunIsRecorded() throws {
        let attempt = try Self.importOrders("901,1,2024-01-01,Pen,Office,1,1.50,abc\n")
        let run = try #require(try attempt.database.runs().first)
        #expect(run.outcome == .failed)
        #expect(run.error?.contains("orders.csv:2: column 'amount'") == true)
    }

    @Test("--skip-invalid imports the good records and writes the bad ones with their reasons")
    func skipInvalidWritesRejects() throws {
        var options = ImportOptions()
        options.skipInvalid = true
        let body = Self.good + "901,1,2024-01-01,Pen,Office,1,1.50,\"1,50\"\n902,1,2024-01-01,Pen\n" + Self.good
        let attempt = try Self.importOrders(body, options: options)
        #expect(attempt.problems.isEmpty)
        #expect(try attempt.database.counts()[.orders] == 27)
        let rejects = try String(contentsOfFile: attempt.sandbox.path("orders.csv.rejects.csv"), encoding: .utf8)
        let reader = try CSVReader(path: attempt.sandbox.path("orders.csv.rejects.csv"))
        #expect(reader.header.names == ["line", "reason"] + RecordKind.orders.columns)
        var rows: [[String]] = []
        while let record = try reader.next() { rows.append(record.strings) }
        #expect(rows.map { $0[0] } == ["3", "4", "5"], "\(rejects)")
        #expect(rows[0][1].contains("column 'amount': \"1,50\" is not a decimal number"))
        #expect(rows[0].last == "1,50")
        #expect(rows[1][2] == "902,1,2024-01-01,Pen")
        #expect(rows[2][1].contains("more than once"))
    }
}
