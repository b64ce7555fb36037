/// A named value of the customer profile that plugins read as `c.<name>`.
///
/// The list is the contract with plugin authors; `plugins/crm.d.lua` documents each name.
public struct ProfileField: Sendable {
    public let name: String
    /// What it means, for `crm plugin info` and the docs.
    public let summary: String
    let read: Reader

    /// Reads the field of one customer (a row) of a table.
    typealias Reader = @Sendable (ProfileTable, Int) -> ProfileValue

    /// Every profile field of `table`: the core's, every window it holds, and its custom fields.
    public static func all(for table: ProfileTable) -> [ProfileField] {
        core(shape: table.shape, topCategories: table.shape.topCategories) + windows(of: table.shape) + custom(of: table)
    }

    /// Every core and window field of a table of `shape` (no custom fields).
    public static func all(shape: ProfileShape) -> [ProfileField] {
        core(shape: shape, topCategories: shape.topCategories) + windows(of: shape)
    }

    /// The profile fields a plugin with `declaration` sees in `table`: the core's, the windows
    /// it declared (its top-categories length) and the custom fields.
    static func all(for table: ProfileTable, seenBy declaration: ProfileDeclaration) -> [ProfileField] {
        let names = table.shape.windowFieldNames(seenBy: declaration)
        return core(shape: table.shape, topCategories: declaration.topCategories)
            + windows(of: table.shape).filter { names.contains($0.name) } + custom(of: table)
    }

    /// Names of the fields a plugin with `declaration` (and these extra kinds) may rank or read:
    /// for validating a plugin before any database is opened.
    static func names(seenBy declaration: ProfileDeclaration) -> Set<String> {
        let shape = ProfileShape(declarations: [declaration])
        return Set(core(shape: shape, topCategories: declaration.topCategories).map(\.name))
            .union(shape.windowFieldNames(seenBy: declaration))
    }

    /// Names of the core's profile fields that are not windows (custom fields may not reuse
    /// them, nor a window's name).
    static let coreNames = Set(core(shape: .standard, topCategories: ProfileDeclaration.defaultTopCategories).map(\.name))

    private static func custom(of table: ProfileTable) -> [ProfileField] {
        table.customFieldNames.enumerated().map { index, name in
            ProfileField(name: name, summary: "custom field") { $0.customFieldValues[index][$1] }
        }
    }

    private static func core(shape: ProfileShape, topCategories: Int) -> [ProfileField] {
        staticFields + orderFields + [
            ProfileField(name: "top_categories", summary: "up to \(topCategories) categories by order count, comma-separated; nil without orders") {
                table, customer in
                guard let text = table.topCategories[customer] else { return .missing }
                guard topCategories < table.shape.topCategories else { return .text(text) }
                return .text(text.split(separator: ",", omittingEmptySubsequences: false).prefix(topCategories).joined(separator: ","))
            },
            ProfileField(name: "days_since_last_interaction", summary: "calendar days since the last interaction; nil if none") {
                optional($0.daysSinceLastInteraction[$1])
            },
        ]
    }

    /// The window fields of `shape`, in column order.
    private static func windows(of shape: ProfileShape) -> [ProfileField] {
        var fields: [ProfileField] = []
        for (column, window) in shape.kindWindows.enumerated() {
            let kind = shape.interactionKinds[window.kind]
            fields.append(ProfileField(
                name: ProfileShape.kindWindowName(kind, window.days), summary: "\(kind) interactions in the last \(window.days) days"
            ) { .integer(Int64($0.kindWindowCount(customer: $1, column: column))) })
        }
        for (column, days) in shape.anyKindWindows.enumerated() {
            fields.append(ProfileField(name: ProfileShape.anyKindWindowName(days), summary: "interactions of any kind in the last \(days) days") {
                .integer(Int64($0.anyKindWindowCount(customer: $1, column: column)))
            })
        }
        for (column, days) in shape.orderWindows.enumerated() {
            fields.append(ProfileField(name: ProfileShape.orderWindowName(days), summary: "orders (purchases) in the last \(days) days") {
                .integer(Int64($0.orderWindowCount(customer: $1, column: column)))
            })
        }
        for (column, days) in shape.revenueWindows.enumerated() {
            fields.append(ProfileField(
                name: ProfileShape.revenueWindowName(days), summary: "revenue net of returns in the last \(days) days, in currency units"
            ) { .number($0.amount($0.revenueWindowSum(customer: $1, column: column))) })
        }
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
        ProfileField(name: "recency_days", summary: "calendar days from the last order's date to as-of's date; nil without orders") {
            optional($0.recencyDays[$1])
        },
        ProfileField(name: "days_since_first_order", summary: "calendar days from the first order's date to as-of's date; nil without orders") {
            optional($0.daysSinceFirstOrder[$1])
        },
        ProfileField(name: "median_days_between_orders", summary: "median gap between consecutive orders, in days; nil below 2 orders") {
            optional($0.medianDaysBetweenOrders[$1])
        },
        ProfileField(name: "last_days_between_orders", summary: "gap between the last two orders, in days; nil below 2 orders") {
            optional($0.lastDaysBetweenOrders[$1])
        },
        ProfileField(name: "category_count", summary: "distinct categories ordered") { .integer(Int64($0.categoryCount[$1])) },
    ]
}
