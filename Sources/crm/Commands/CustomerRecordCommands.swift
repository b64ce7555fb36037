import ArgumentParser
import CRMCore
import Foundation

/// `crm customer orders|interactions|delete|data`: one customer's activity, erasure and the
/// right of access.
extension CustomerCommand {
    struct Orders: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a customer's orders, newest first.", discussion: "Example:\n  crm customer orders 72 --limit 5")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The customer's id.") var id: String
        @Option(help: "At most this many orders.") var limit: Int?
        @Option(help: "table, csv or json.") var format: OutputFormat = .table

        func validate() throws { if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") } }

        func run() throws {
            let database = try global.openDatabase()
            guard let orders = try database.orders(customerID: id, limit: limit) else { throw CRMError.notFound("no customer with id \"\(id)\"") }
            let currency = try database.currency()
            func money(_ minor: Int64?) -> JSONValue { minor.map { .decimal(Money.formatMinorUnits($0, scale: currency.scale)) } ?? .null }
            try Output(format: format).print(
                columns: ["id", "ordered_at", "product", "category", "quantity", "unit_price", "amount", "currency"],
                values: orders.map { order in
                    [
                        .string(order.id), .string(order.orderedAt.iso8601), .text(order.product), .text(order.category),
                        order.quantity.map(JSONValue.integer) ?? .null, money(order.unitPrice), money(order.amount), .string(currency.code),
                    ]
                })
        }
    }

    struct Interactions: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a customer's interactions, newest first.", discussion: "Example:\n  crm customer interactions 72 --limit 5")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The customer's id.") var id: String
        @Option(help: "At most this many interactions.") var limit: Int?
        @Option(help: "table, csv or json.") var format: OutputFormat = .table

        func validate() throws { if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") } }

        func run() throws {
            guard let interactions = try global.openDatabase().interactions(customerID: id, limit: limit) else {
                throw CRMError.notFound("no customer with id \"\(id)\"")
            }
            try Output(format: format).print(
                columns: ["id", "kind", "occurred_at"], rows: interactions.map { [$0.id, $0.kind, $0.occurredAt.iso8601] })
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase a customer and everything that refers to them (a request to be forgotten).",
            discussion: """
                Removes the customer with their orders, interactions, custom field values,
                memberships, transitions, scores, follow-ups, tasks, tags, outbox messages and
                do-not-contact records, in one transaction, recorded in `crm runs` with counts only.
                With --anonymize the orders, interactions and segment history stay (so revenue and
                segment statistics stay true) under a new anonymous id, and the personal data goes:
                name, email, phone, birth date, the custom fields declared `personal = true`, tasks,
                tags, messages and do-not-contact records.

                Without --yes it asks on a terminal and refuses otherwise.

                Examples:
                  crm customer delete 17
                  crm customer delete 17 --anonymize --yes
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The customer's id.") var id: String
        @Flag(help: "Keep the orders and interactions under an anonymous id; erase the personal data.") var anonymize = false
        @Flag(help: "Do not ask.") var yes = false

        func run() throws {
            let database = try global.openDatabase()
            guard try database.customer(id: id) != nil else { throw CRMError.notFound("no customer with id \"\(id)\"; nothing was deleted") }
            if !yes {
                guard isatty(0) == 1 else {
                    throw CRMError.invalidArgument("refusing to \(anonymize ? "anonymize" : "delete") customer \(id) without --yes when not on a terminal")
                }
                FileHandle.standardError.write(Data("\(anonymize ? "Anonymize" : "Delete") customer \(id) and everything about them? [y/N] ".utf8))
                guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
                    print("nothing was changed")
                    return
                }
            }
            let personal = anonymize ? try global.loadPlugins(required: false).fields.filter(\.definition.personal).map(\.name) : []
            let counts = try database.eraseCustomer(id: id, anonymize: anonymize, personalFields: personal)
            let removed = counts.removed.filter { $0.rows > 0 }.map { "\($0.table) \($0.rows)" }.joined(separator: ", ")
            if let anonymous = counts.anonymousID {
                print("customer \(id) is now \(anonymous); erased: \(removed.isEmpty ? "nothing else" : removed)")
            } else {
                print("customer \(id) deleted: \(removed)")
            }
        }
    }
}

extension CustomerCommand {
    struct DataCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "data",
            abstract: "Print everything crm holds about one customer as JSON (the right of access).",
            discussion: """
                Attributes, custom fields, orders, interactions, current segments and every change
                of segment, scores, tasks, tags, outbox messages and do-not-contact records.

                Example:
                  crm customer data 17 > customer-17.json
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The customer's id.") var id: String

        func run() throws {
            let database = try global.openDatabase()
            guard let customer = try database.customer(id: id), let orders = try database.orders(customerID: id),
                let interactions = try database.interactions(customerID: id)
            else { throw CRMError.notFound("no customer with id \"\(id)\"") }
            let catalog = try global.loadPlugins(required: false, warn: false)
            let fields = try CustomFields(database: database, catalog: catalog).get(customerID: id).filter { $0.source == .stored || $0.source == .computed || $0.source == .undeclared }
            let currency = try database.currency()
            func money(_ minor: Int64?) -> JSONValue { minor.map { .decimal(Money.formatMinorUnits($0, scale: currency.scale)) } ?? .null }
            let attributes: [(String, JSONValue)] = [
                ("id", .string(customer.id)), ("name", .text(customer.name)), ("email", .text(customer.email)), ("phone", .text(customer.phone)),
                ("gender", .text(customer.gender)), ("birth_date", .text(customer.birthDate)), ("city", .text(customer.city)),
                ("industry", .text(customer.industry)), ("company_size", .text(customer.companySize)),
                ("occupation", .text(customer.occupation)), ("created_at", .text(customer.createdAt?.iso8601)),
            ]
            let object: [(String, JSONValue)] = [
                ("customer", .object(attributes)),
                ("fields", .object(fields.map { ($0.name, .text($0.value)) })),
                ("currency", .string(currency.code)),
                ("orders", .array(orders.map { order in
                    .object([
                        ("id", .string(order.id)), ("ordered_at", .string(order.orderedAt.iso8601)), ("product", .text(order.product)),
                        ("category", .text(order.category)), ("quantity", order.quantity.map(JSONValue.integer) ?? .null),
                        ("unit_price", money(order.unitPrice)), ("amount", money(order.amount)),
                    ])
                })),
                ("interactions", .array(interactions.map { .object([("id", .string($0.id)), ("kind", .string($0.kind)), ("occurred_at", .string($0.occurredAt.iso8601))]) })),
                ("segments", .array(try SegmentReasons(database: database, catalog: catalog).memberships(customerID: id).map { membership in
                    .object([
                        ("segmentation", .string(membership.segmentation)), ("segment", .string(membership.segment)),
                        ("since", .string(membership.since.iso8601)), ("reason", .text(membership.reason)),
                    ])
                })),
                ("segment_history", .array(try database.transitions(customerID: id).map { transition in
                    .object([
                        ("segmentation", .string(transition.segmentation)), ("from", .text(transition.from)), ("to", .string(transition.to)),
                        ("as_of", .string(transition.asOf.iso8601)),
                    ])
                })),
                ("scores", .array(try database.scores(customerID: id).map { .object([("score", .string($0.score)), ("value", .number($0.value))]) })),
                ("tasks", .array(try database.tasks(matching: .init(customerID: id)).map { task in
                    .object([
                        ("id", .integer(task.id)), ("title", .string(task.title)), ("body", .text(task.body)), ("owner", .text(task.owner)),
                        ("status", .string(task.status.rawValue)), ("due", .text(task.dueDate)), ("note", .text(task.note)),
                    ])
                })),
                ("tags", .array(try database.tags(customerID: id).map(JSONValue.string))),
                ("messages", .array(try database.outbox(customerID: id).map { message in
                    .object([
                        ("id", .integer(message.id)), ("channel", .string(message.channel)), ("template", .string(message.template)),
                        ("status", .string(message.status.rawValue)), ("created_at", .string(message.createdAt.iso8601)),
                        ("sent_at", .text(message.sentAt?.iso8601)),
                    ])
                })),
                ("do_not_contact", .array(try database.contactBlocks(customerID: id).map { block in
                    .object([("channel", .string(block.channel)), ("reason", .string(block.reason)), ("since", .string(block.since.iso8601))])
                })),
            ]
            Output(format: .json).printJSON(.object(object))
        }
    }
}

extension CustomerCommand {
    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge a duplicate customer into the one to keep.",
            discussion: """
                The duplicate's orders, interactions, tasks, outbox messages, tags and do-not-contact
                records move to KEEP; a custom field both have keeps KEEP's value unless
                --prefer duplicate; attributes KEEP lacks are filled from the duplicate. The
                duplicate's memberships, segment history and scores are dropped: the next segment
                run classifies KEEP on the merged history. One transaction, recorded in `crm runs`
                and shown in `crm segment history KEEP`. --dry-run says what would move.

                Examples:
                  crm customer merge 17 1017 --dry-run
                  crm customer merge 17 1017 --prefer duplicate
                """)

        enum Preference: String, ExpressibleByArgument { case keep, duplicate }

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The customer to keep.") var keep: String
        @Argument(help: "The duplicate, merged into KEEP and removed.") var duplicate: String
        @Option(help: "Whose value a custom field both have keeps: keep or duplicate.") var prefer: Preference = .keep
        @Flag(help: "Say what would move without changing anything.") var dryRun = false

        func run() throws {
            let summary = try global.openDatabase().mergeCustomers(
                keep: keep, duplicate: duplicate, preferDuplicate: prefer == .duplicate, dryRun: dryRun)
            print("\(dryRun ? "would merge" : "merged") customer \(duplicate) into \(keep): \(summary.counts)"
                + (summary.attributesFilled.isEmpty ? "" : " (\(summary.attributesFilled.joined(separator: ", ")) from the duplicate)"))
        }
    }
}
