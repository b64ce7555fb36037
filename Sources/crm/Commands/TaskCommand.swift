import ArgumentParser
import CRMCore
import Foundation

struct TaskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "task",
        abstract: "The tasks follow-up actions created for salespeople: list, show, mark done, reopen.",
        discussion: """
            Examples:
              crm task list --open --owner sales-team
              crm task show 12
              crm task done 12 --note "called, will order next week"
            """,
        subcommands: [List.self, Show.self, Done.self, Reopen.self]
    )

    static let columns = ["id", "customer_id", "title", "owner", "priority", "due", "status", "action"]

    static func row(_ task: CustomerTask) -> [JSONValue] {
        [.integer(task.id)] + [task.customerID, task.title, task.owner, task.priority, task.dueDate, task.status.rawValue, task.action].map(JSONValue.text)
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tasks by due date.")

        @OptionGroup var global: GlobalOptions
        @Flag(help: "Only open tasks.") var open = false
        @Option(help: "Only tasks of this owner.") var owner: String?
        @Option(help: ArgumentHelp("Only tasks for this customer.", valueName: "id")) var customer: String?
        @Option(help: "Only tasks created by this action.") var action: String?
        @Option(help: "table, csv or json.") var format: OutputFormat = .table

        func run() throws {
            let tasks = try global.openDatabase().tasks(
                matching: .init(openOnly: open, owner: owner, customerID: customer, action: action))
            try Output(format: format).print(columns: TaskCommand.columns, values: tasks.map(TaskCommand.row))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one task with its body and note.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The task's id.") var id: Int64
        @Option(help: "table, csv or json.") var format: OutputFormat = .table

        func run() throws {
            guard let task = try global.openDatabase().task(id: id) else { throw CRMError.notFound("no task with id \(id)") }
            try TaskCommand.show(task, format: format)
        }
    }

    struct Done: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark a task done, optionally with a note.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The task's id.") var id: Int64
        @Option(help: "What was done.") var note: String?

        func run() throws {
            guard let task = try global.openDatabase().setTask(id: id, done: true, note: note, at: .now()) else {
                throw CRMError.notFound("no task with id \(id)")
            }
            print("task \(task.id) done: \(task.title) (customer \(task.customerID))")
        }
    }

    struct Reopen: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open a done task again.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The task's id.") var id: Int64

        func run() throws {
            guard let task = try global.openDatabase().setTask(id: id, done: false, note: nil, at: .now()) else {
                throw CRMError.notFound("no task with id \(id)")
            }
            print("task \(task.id) open: \(task.title) (customer \(task.customerID))")
        }
    }

    static func show(_ task: CustomerTask, format: OutputFormat) throws {
        let rows: [(String, String?)] = [
            ("id", String(task.id)), ("customer_id", task.customerID), ("title", task.title), ("body", task.body), ("owner", task.owner),
            ("priority", task.priority), ("due", task.dueDate), ("status", task.status.rawValue), ("action", task.action),
            ("created_at", task.createdAt.iso8601), ("done_at", task.doneAt?.iso8601), ("note", task.note),
        ]
        let output = Output(format: format)
        if format == .json {
            output.printJSON(.object(rows.map { key, value in (key, key == "id" ? .integer(task.id) : .text(value)) }))
        } else {
            try output.print(columns: ["field", "value"], rows: rows.map { [$0.0, $0.1] })
        }
    }
}
