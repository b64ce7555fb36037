import ArgumentParser
import CRMCore
import Foundation

struct CustomerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "customer",
        abstract: "Look at one customer.",
        subcommands: [Show.self]
    )

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
                throw CRMError.notFound("no customer with id \"\(id)\"")
            }
            let profile = CustomerProfileView(
                customer: customer, activity: activity, currency: try database.currency(),
                memberships: try database.memberships(customerID: id), scores: try database.scores(customerID: id))
            let output = Output(format: format)
            switch format {
            case .json:
                try output.printJSON(profile.dictionary)
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
    let memberships: [Membership]
    let scores: [ScoreValue]

    var rows: [(String, String?)] {
        attributes
            + memberships.map { ("segment \($0.segmentation)", "\($0.segment) since \($0.since.iso8601)" + ($0.reason.map { ": \($0)" } ?? "")) }
            + scores.map { ("score \($0.score)", String(format: "%.4g", $0.value) + ($0.explanation.map { ": \($0)" } ?? "")) }
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
        ]
    }

    var dictionary: [String: Any] {
        var result: [String: Any] = [:]
        for (key, value) in rows { result[key] = value ?? NSNull() }
        result["orders"] = activity.orderCount
        result["monetary"] = Money.formatMinorUnits(activity.monetary, scale: currency.scale)
        result["currency"] = currency.code
        result["top_categories"] = activity.topCategories
        result["interactions"] = activity.interactions
        result["segments"] = Dictionary(uniqueKeysWithValues: memberships.map { membership in
            (membership.segmentation, ["segment": membership.segment, "reason": membership.reason ?? NSNull(), "since": membership.since.iso8601] as [String: Any])
        })
        result["scores"] = Dictionary(uniqueKeysWithValues: scores.map { score in
            (score.score, ["value": score.value, "explanation": score.explanation ?? NSNull()] as [String: Any])
        })
        for key in result.keys where key.hasPrefix("segment ") || key.hasPrefix("score ") { result[key] = nil }
        return result
    }
}
