/// `crm customer list --where EXPR`: a condition over each customer's profile (attributes,
/// activity, custom fields), current segments (`segment.rfm`) and scores (`score.churn_risk`),
/// with SQL's meaning: `=`, `!=`, `<` … compare values of one type; `and`, `or`, `not`; `in
/// (…)`; `is [not] null`; `contains` for text. A missing value makes a comparison unknown, and
/// only customers for whom the condition is true match. Mistakes are errors pointing at their
/// column, never a filter that silently matches everyone or no one.
public struct CustomerFilter {
    let expression: String

    public init(expression: String) {
        self.expression = expression
    }

    /// Ids of the customers (as of `asOf`) for whom the expression is true, in customer-id order.
    public func matches(database: CRMDatabase, catalog: PluginCatalog, asOf: Timestamp) throws -> [String] {
        do {
            let parsed = try FilterParser.parse(expression)
            let profiles = try database.profiles(asOf: asOf, fields: catalog.fields, shape: catalog.profileShape)
            let names = FilterNames(profiles: profiles, database: database, catalog: catalog)
            let evaluator = FilterEvaluator(values: try names.resolve(parsed))
            var matched: [String] = []
            for customer in 0..<profiles.count where try evaluator.truth(parsed, customer) == true {
                matched.append(profiles.ids[customer])
            }
            return matched.sorted(by: CustomerIDOrder.precedes)
        } catch let error as FilterError {
            throw CRMError.invalidArgument(describe(error))
        }
    }

    /// `--where: column 9: … ` and the expression with a caret under the column.
    func describe(_ error: FilterError) -> String {
        let caret = String(repeating: " ", count: max(0, error.column - 1)) + "^"
        return "--where: column \(error.column): \(error.message)\n  \(expression)\n  \(caret)"
    }
}

/// Evaluates a resolved expression for one customer, in SQL's three-valued logic (nil: unknown).
struct FilterEvaluator {
    /// The value of each name in the expression, by customer row.
    let values: [String: (Int) -> ProfileValue]

    func truth(_ expression: FilterExpression, _ customer: Int) throws(FilterError) -> Bool? {
        switch expression {
        case .and(let left, let right):
            let a = try truth(left, customer)
            if a == false { return false }
            let b = try truth(right, customer)
            if b == false { return false }
            return a == nil || b == nil ? nil : true
        case .or(let left, let right):
            let a = try truth(left, customer)
            if a == true { return true }
            let b = try truth(right, customer)
            if b == true { return true }
            return a == nil || b == nil ? nil : false
        case .not(let inner):
            return try truth(inner, customer).map { !$0 }
        case .compare(let left, let symbol, let right, let column):
            let a = value(left, customer)
            let b = value(right, customer)
            if a == .missing || b == .missing { return nil }
            let order = try Self.order(a, b, column: column, equalityOnly: symbol == "=" || symbol == "!=")
            switch symbol {
            case "=": return order == 0
            case "!=": return order != 0
            case "<": return order < 0
            case "<=": return order <= 0
            case ">": return order > 0
            default: return order >= 0
            }
        case .isNull(let operand, let negated):
            return (value(operand, customer) == .missing) != negated
        case .inList(let operand, let list, let negated, let column):
            let a = value(operand, customer)
            if a == .missing { return nil }
            var found = false
            for item in list where item != .missing {
                if try Self.order(a, item, column: column, equalityOnly: true) == 0 { found = true }
            }
            return found != negated
        case .contains(let left, let right, let negated, let column):
            let a = value(left, customer)
            let b = value(right, customer)
            if a == .missing || b == .missing { return nil }
            guard case .text(let haystack) = a, case .text(let needle) = b else {
                throw FilterError(column: column, message: "contains needs text on both sides, got \(Self.kind(a)) and \(Self.kind(b))")
            }
            return haystack.contains(needle) != negated
        case .truth(let operand):
            switch value(operand, customer) {
            case .boolean(let flag): return flag
            case .missing: return nil
            case let other:
                throw FilterError(
                    column: operand.column,
                    message: "\(Self.label(operand)) is \(Self.kind(other)), not a condition; compare it (e.g. \(Self.label(operand)) \(Self.example(other)))")
            }
        }
    }

    private func value(_ operand: FilterOperand, _ customer: Int) -> ProfileValue {
        switch operand {
        case .literal(let value, _): return value
        case .name(let name, _): return values[name]?(customer) ?? .missing
        }
    }

    /// -1, 0 or 1; values of different kinds cannot be compared, and booleans only for equality.
    static func order(_ a: ProfileValue, _ b: ProfileValue, column: Int, equalityOnly: Bool) throws(FilterError) -> Int {
        switch (a, b) {
        case (.text(let x), .text(let y)): return x == y ? 0 : (x < y ? -1 : 1)
        case (.boolean(let x), .boolean(let y)) where equalityOnly: return x == y ? 0 : 1
        default:
            if let x = a.numeric, let y = b.numeric { return x == y ? 0 : (x < y ? -1 : 1) }
            throw FilterError(column: column, message: "cannot compare \(kind(a)) with \(kind(b))" + (equalityOnly ? "" : " by order"))
        }
    }

    static func kind(_ value: ProfileValue) -> String {
        switch value {
        case .missing: return "null"
        case .integer, .number: return "a number"
        case .text: return "text"
        case .boolean: return "a boolean"
        }
    }

    private static func label(_ operand: FilterOperand) -> String {
        if case .name(let name, _) = operand { return name }
        return "this value"
    }

    private static func example(_ value: ProfileValue) -> String {
        if case .text = value { return "= \"…\"" }
        return "> 0"
    }
}
