/// A named value of the customer profile that plugins read as `c.<name>`.
///
/// The list is the contract with plugin authors; `plugins/crm.d.lua` documents each name.
public struct ProfileField: Sendable {
    public let name: String
    /// What it means, for `crm plugin info` and the docs.
    public let summary: String
    let read: @Sendable (ProfileTable, Int) -> ProfileValue

    /// Every profile field of `table`: the core's and the custom fields it holds.
    public static func all(for table: ProfileTable) -> [ProfileField] {
        all(interactionKinds: table.interactionKinds)
            + table.customFieldNames.enumerated().map { index, name in
                ProfileField(name: name, summary: "custom field") { $0.customFieldValues[index][$1] }
            }
    }

    /// Names of the core's profile fields (custom fields may not reuse them).
    static let coreNames = Set(all(interactionKinds: InteractionKind.builtIn).map(\.name))

    /// Every core profile field, for a table whose interaction kinds are `kinds`.
    public static func all(interactionKinds kinds: [String]) -> [ProfileField] {
        var fields = staticFields + orderFields
        for (kindIndex, kind) in kinds.enumerated() {
            for (windowIndex, days) in ProfileTable.windows.enumerated() {
                fields.append(ProfileField(name: "\(kind)_\(days)d", summary: "\(kind) interactions in the last \(days) days") {
                    .integer(Int64($0.interactions(customer: $1, kind: kindIndex, window: windowIndex)))
                })
            }
        }
        for (windowIndex, days) in ProfileTable.windows.enumerated() {
            fields.append(ProfileField(name: "interactions_\(days)d", summary: "interactions of any kind in the last \(days) days") { table, customer in
                var total = 0
                for kind in kinds.indices { total += Int(table.interactions(customer: customer, kind: kind, window: windowIndex)) }
                return .integer(Int64(total))
            })
        }
        fields.append(ProfileField(name: "days_since_last_interaction", summary: "days since the last interaction; nil if none") {
            optional($0.daysSinceLastInteraction[$1])
        })
        return fields
    }

    static func optional<T: BinaryInteger>(_ value: T) -> ProfileValue {
        value < 0 ? .missing : .integer(Int64(value))
    }

    static func optional(_ value: Float) -> ProfileValue {
        value.isNaN ? .missing : .number(Double(value))
    }

    static func text(_ value: String?) -> ProfileValue {
        value.map(ProfileValue.text) ?? .missing
    }

    private static let staticFields: [ProfileField] = [
        ProfileField(name: "id", summary: "the customer's id") { .text($0.ids[$1]) },
        ProfileField(name: "city", summary: "city; nil if unknown") { text($0.city[$1]) },
        ProfileField(name: "industry", summary: "industry; nil if unknown") { text($0.industry[$1]) },
        ProfileField(name: "company_size", summary: "company size band, e.g. 11-50; nil if unknown") { text($0.companySize[$1]) },
        ProfileField(name: "gender", summary: "gender as imported; nil if unknown") { text($0.gender[$1]) },
        ProfileField(name: "occupation", summary: "occupation; nil if unknown") { text($0.occupation[$1]) },
        ProfileField(name: "age_years", summary: "whole years of age at as-of; nil if the birth date is unknown") {
            optional($0.ageYears[$1])
        },
        ProfileField(name: "tenure_days", summary: "days since sign-up (or the first order); nil if unknown") {
            optional($0.tenureDays[$1])
        },
    ]

    private static let orderFields: [ProfileField] = [
        ProfileField(name: "order_count", summary: "orders (purchases, not returns) up to as-of") { .integer(Int64($0.orderCount[$1])) },
        ProfileField(name: "monetary", summary: "sum of order amounts net of returns, in currency units (61.47)") {
            .number($0.amount($0.monetary[$1]))
        },
        ProfileField(name: "returns_count", summary: "returns (order lines with a negative amount) up to as-of") {
            .integer(Int64($0.returnsCount[$1]))
        },
        ProfileField(name: "returned_amount", summary: "sum of returned amounts, positive, in currency units") {
            .number($0.amount($0.returnedAmount[$1]))
        },
        ProfileField(name: "average_order_value", summary: "monetary / order_count; 0 without orders") { table, customer in
            let count = table.orderCount[customer]
            return .number(count == 0 ? 0 : table.amount(table.monetary[customer]) / Double(count))
        },
        ProfileField(name: "max_order_value", summary: "the largest single order amount; 0 without orders") {
            .number($0.amount($0.maxOrderAmount[$1]))
        },
        ProfileField(name: "max_order_quantity", summary: "the largest quantity in one order; nil if unknown") {
            optional($0.maxOrderQuantity[$1])
        },
        ProfileField(name: "recency_days", summary: "UTC days from the last order's date to as-of's date; nil without orders") {
            optional($0.recencyDays[$1])
        },
        ProfileField(name: "days_since_first_order", summary: "UTC days from the first order's date to as-of; nil without orders") {
            optional($0.daysSinceFirstOrder[$1])
        },
        ProfileField(name: "median_days_between_orders", summary: "median gap between consecutive orders, in days; nil below 2 orders") {
            optional($0.medianDaysBetweenOrders[$1])
        },
        ProfileField(name: "last_days_between_orders", summary: "gap between the last two orders, in days; nil below 2 orders") {
            optional($0.lastDaysBetweenOrders[$1])
        },
        ProfileField(name: "orders_365d", summary: "orders in the 365 days before as-of") { .integer(Int64($0.orders365d[$1])) },
        ProfileField(name: "top_categories", summary: "up to three categories by order count, comma-separated; nil without orders") {
            text($0.topCategories[$1])
        },
        ProfileField(name: "category_count", summary: "distinct categories ordered") { .integer(Int64($0.categoryCount[$1])) },
    ]
}
