import ArgumentParser
import CRMCore
import Foundation

struct CustomerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "customer",
        abstract: "Look at customers, list their orders and interactions, set who may be contacted, erase one.",
        subcommands: [Show.self, List.self, Orders.self, Interactions.self, Contact.self, Merge.self, Delete.self, DataCommand.self]
    )

    struct Contact: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Block or allow one channel of a customer (do-not-contact), or show the blocks.",
            discussion: """
                A blocked channel keeps every message to it as suppressed, with the reason: checked
                when a follow-up creates the message and again when `crm outbox send` would send it.

                Examples:
                  crm customer contact 17 --channel email --block --reason opted_out
                  crm customer contact 17 --channel email --allow
                  crm customer contact 17
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The customer's id.") var id: String
        @Option(help: "The channel (email, sms, ...).") var channel: String?
        @Flag(help: "Do not contact the customer on this channel.") var block = false
        @Flag(help: "Remove the block.") var allow = false
        @Option(help: "Why: opted_out, bounced, complained, or your own word.") var reason: String?
        @Option(help: "table, csv or json.") var format: OutputFormat = .table

        func validate() throws {
            if block && allow { throw ValidationError("give --block or --allow, not both") }
            if (block || allow) && (channel ?? "").isEmpty { throw ValidationError("--block and --allow need --channel") }
            if block && (reason ?? "").isEmpty { throw ValidationError("--block needs --reason (opted_out, bounced, complained, ...)") }
            if reason != nil && !block { throw ValidationError("--reason goes with --block") }
        }

        func run() throws {
            let database = try global.openDatabase()
            guard try database.customer(id: id) != nil else { throw CRMError.notFound("no customer with id \"\(id)\"") }
            if block || allow, let channel {
                try database.setContact(customerID: id, channel: channel, blockedReason: block ? reason : nil, at: .now())
            }
            try Output(format: format).print(
                columns: ["channel", "reason", "blocked_at"],
                rows: try database.contactBlocks(customerID: id).map { [$0.channel, $0.reason, $0.since.iso8601] })
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List customers, optionally those matching a --where expression, sorted by id.",
            discussion: """
                The filter reads like SQL. Names: static attributes, custom fields and every profile
                field a plugin's classify sees (see plugins/crm.d.lua), segment.NAME (a customer's
                current segment), score.NAME and tag.NAME (true when the customer has the tag,
                e.g. tag.win-back). Operators: = != < <= > >=, and, or, not, in (...),
                is null, is not null, contains. Text in '...' or "...". A missing value never
                matches a comparison. A name on its own must be a boolean. Mistakes are errors
                that point at their column.

                Examples:
                  crm customer list --where 'industry = "Retail" and customer_level = "gold"'
                  crm customer list --where 'order_count >= 10 and recency_days > 180' --format csv
                  crm customer list --where 'segment.rfm in ("At Risk", "Cannot Lose Them") and score.churn_risk > 50'
                  crm customer list --where 'city contains "berg" or recency_days is null'
                  crm customer list --where 'tag.win-back and not tag.vip'
                """)

        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("where"), help: ArgumentHelp("A filter expression.", valueName: "expression")) var filter: String?
        @Option(help: ArgumentHelp("Evaluate the profile as of this instant (ISO-8601; default now).", valueName: "time")) var asOf: String?
        @Option(parsing: .unconditional, help: "At most this many customers.") var limit: Int?
        @Option(help: "table, csv or json.") var format: OutputFormat = .table

        func validate() throws { try checkLimit(limit) }

        func run() throws {
            let database = try global.openDatabase()
            let catalog = try global.loadPlugins(required: false)
            let ids = try filter.map { try CustomerFilter(expression: $0).matches(database: database, catalog: catalog, asOf: try parseAsOf(asOf)) }
                ?? database.customerIDs().sorted(by: CustomerIDOrder.precedes)
            let selected = limit.map { Array(ids.prefix($0)) } ?? ids
            let customers = try selected.compactMap { try database.customer(id: $0) }
            try Output(format: format).print(
                columns: ["id", "name", "email", "city", "industry", "company_size"],
                rows: customers.map { [$0.id, $0.name, $0.email, $0.city, $0.industry, $0.companySize] })
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a customer's attributes, orders and interactions.",
            discussion: """
                Example:
                  crm customer show 17
                  crm customer show 17 --format json
                """
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The customer's id.")
        var id: String

        @Option(help: "table, csv or json.")
        var format: OutputFormat = .table

        func run() throws {
            let database = try global.openDatabase()
            guard let customer = try database.customer(id: id), let activity = try database.activity(customerID: id)
            else {
                throw try database.unknownCustomer(id)
            }
            let catalog = try global.loadPlugins(required: !(try database.fieldValues(customerID: id) ?? [:]).isEmpty)
            let fields = try CustomFields(database: database, catalog: catalog).get(customerID: id)
            let profile = CustomerProfileView(
                customer: customer, activity: activity, currency: try database.currency(),
                timeZone: try database.businessTimeZone(),
                memberships: try SegmentReasons(database: database, catalog: catalog).memberships(customerID: id), scores: try database.scores(customerID: id),
                fields: fields.filter { $0.source != .none },
                fieldTypes: Dictionary(catalog.fields.map { ($0.name, $0.definition.type) }, uniquingKeysWith: { first, _ in first }),
                tags: try database.tags(customerID: id), openTasks: try database.tasks(matching: .init(openOnly: true, customerID: id)),
                blocks: try database.contactBlocks(customerID: id).map { "\($0.channel) (\($0.reason))" },
                latestOrders: try database.orders(customerID: id, limit: 3) ?? [],
                latestInteractions: try database.interactions(customerID: id, limit: 3) ?? [])
            let output = Output(format: format)
            switch format {
            case .json:
                output.printJSON(profile.json)
            case .csv, .table:
                try output.print(columns: ["field", "value"], rows: profile.rows.map { [$0.0, $0.1] })
            }
        }
    }
}

/// A customer as the `customer show` command prints it: labelled values in a fixed order.
struct CustomerProfileView {
    let customer: Customer
    let activity: CustomerActivity
    let currency: Currency
    /// The business time zone the profile's calendar days are counted in.
    let timeZone: BusinessTimeZone
    let memberships: [Membership]
    let scores: [ScoreValue]
    let fields: [FieldReading]
    let fieldTypes: [String: FieldType]
    let tags: [String]
    let openTasks: [CustomerTask]
    let blocks: [String]
    /// The latest few (`crm customer orders ID` lists them all).
    let latestOrders: [OrderRecord]
    let latestInteractions: [InteractionRecord]

    private var latestRows: [(String, String?)] {
        latestOrders.map { order in
            ("order \(order.id)", "\(order.orderedAt.iso8601) \(order.product ?? order.category ?? "") "
                + Money.formatMinorUnits(order.amount, scale: currency.scale) + " " + currency.code)
        } + latestInteractions.map { ("interaction \($0.id)", "\($0.occurredAt.iso8601) \($0.kind)") }
    }

    var rows: [(String, String?)] {
        attributes
            + (tags.isEmpty ? [] : [("tags", tags.joined(separator: ", "))])
            + (blocks.isEmpty ? [] : [("do_not_contact", blocks.joined(separator: ", "))])
            + latestRows
            + openTasks.map { ("task \($0.id)", "\($0.title)" + ($0.owner.map { " for \($0)" } ?? "") + ($0.dueDate.map { ", due \($0)" } ?? "")) }
            + fields.map { ("field \($0.name)", ($0.value ?? "") + ($0.source == .stored ? "" : " (\($0.source.rawValue))")) }
            + memberships.map { ("segment \($0.segmentation)", "\($0.segment) since \($0.since.iso8601)" + ($0.reason.map { ": \($0)" } ?? "")) }
            + scores.map { ("score \($0.score)", JSONValue.exact($0.value) + ($0.explanation.map { ": \($0)" } ?? "")) }
    }

    private var attributes: [(String, String?)] {
        [
            ("id", customer.id), ("name", customer.name), ("email", customer.email), ("phone", customer.phone),
            ("gender", customer.gender), ("birth_date", customer.birthDate), ("city", customer.city),
            ("industry", customer.industry), ("company_size", customer.companySize),
            ("occupation", customer.occupation), ("created_at", customer.createdAt?.iso8601),
            ("orders", String(activity.orderCount)),
            ("first_order_at", activity.firstOrderAt?.iso8601),
            ("last_order_at", activity.lastOrderAt?.iso8601),
            ("monetary", Money.formatMinorUnits(activity.monetary, scale: currency.scale) + " " + currency.code),
            ("top_categories", activity.topCategories.joined(separator: ", ")),
            ("interactions", activity.interactions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")),
            ("last_interaction_at", activity.lastInteractionAt?.iso8601),
            ("time_zone", timeZone.identifier),
        ]
    }

    /// The customer as one JSON object: counts and money as numbers (money with its currency
    /// beside it), missing values as null, keys sorted.
    var json: JSONValue {
        var result: [String: JSONValue] = [:]
        for (key, value) in attributes { result[key] = .text(value) }
        result["orders"] = .count(activity.orderCount)
        result["monetary"] = .decimal(Money.formatMinorUnits(activity.monetary, scale: currency.scale))
        result["currency"] = .string(currency.code)
        result["top_categories"] = .array(activity.topCategories.map(JSONValue.string))
        result["interactions"] = .object(activity.interactions.sorted { $0.key < $1.key }.map { ($0.key, .count($0.value)) })
        result["segments"] = .object(memberships.map { membership in
            (membership.segmentation, .object([
                ("segment", .string(membership.segment)), ("reason", .text(membership.reason)), ("since", .string(membership.since.iso8601)),
            ]))
        })
        result["scores"] = .object(scores.map { score in
            (score.score, .object([("value", .number(score.value)), ("explanation", .text(score.explanation))]))
        })
        result["fields"] = .object(fields.map { field in
            let value = field.value.map { JSONValue.field($0, type: fieldTypes[field.name]) } ?? .null
            return (field.name, .object([("value", value), ("source", .string(field.source.rawValue))]))
        })
        result["tags"] = .array(tags.map(JSONValue.string))
        result["do_not_contact"] = .array(blocks.map(JSONValue.string))
        result["open_tasks"] = .array(openTasks.map { task in
            .object([
                ("id", .integer(task.id)), ("title", .string(task.title)), ("owner", .text(task.owner)), ("due", .text(task.dueDate)),
                ("priority", .string(task.priority)),
            ])
        })
        result["latest_orders"] = .array(latestOrders.map { order in
            .object([
                ("id", .string(order.id)), ("ordered_at", .string(order.orderedAt.iso8601)), ("product", .text(order.product)),
                ("amount", .decimal(Money.formatMinorUnits(order.amount, scale: currency.scale))),
            ])
        })
        result["latest_interactions"] = .array(latestInteractions.map { .object([("id", .string($0.id)), ("kind", .string($0.kind)), ("occurred_at", .string($0.occurredAt.iso8601))]) })
        for key in result.keys where key.hasPrefix("task ") || key.hasPrefix("order ") || key.hasPrefix("interaction ") { result[key] = nil }
        return .object(result.sorted { $0.key < $1.key })
    }
}
