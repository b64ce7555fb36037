/// A parsed `--where` expression. Grammar (keywords in any case):
///
///     expression := or
///     or         := and ("or" and)*
///     and        := not ("and" not)*
///     not        := "not" not | primary
///     primary    := "(" expression ")"
///                 | operand [comparison operand
///                           | "is" ["not"] "null"
///                           | ["not"] "in" "(" literal ("," literal)* ")"
///                           | ["not"] "contains" operand]
///     operand    := name | string | number | "true" | "false" | "null"
indirect enum FilterExpression: Equatable {
    case and(FilterExpression, FilterExpression)
    case or(FilterExpression, FilterExpression)
    case not(FilterExpression)
    case compare(FilterOperand, String, FilterOperand, column: Int)
    case isNull(FilterOperand, negated: Bool)
    case inList(FilterOperand, [ProfileValue], negated: Bool, column: Int)
    case contains(FilterOperand, FilterOperand, negated: Bool, column: Int)
    /// A name on its own: must hold a boolean.
    case truth(FilterOperand)
}

/// A value in a comparison: a name to look up per customer, or a literal.
enum FilterOperand: Equatable {
    case name(String, column: Int)
    case literal(ProfileValue, column: Int)

    var column: Int {
        switch self {
        case .name(_, let column), .literal(_, let column): return column
        }
    }
}

/// Recursive-descent parser for `FilterExpression`.
struct FilterParser {
    private let tokens: [FilterToken]
    private var position = 0

    static func parse(_ text: String) throws(FilterError) -> FilterExpression {
        var parser = FilterParser(tokens: try FilterToken.tokens(of: text))
        if case .end = parser.current.kind { throw FilterError(column: 1, message: "the expression is empty") }
        let expression = try parser.or()
        guard case .end = parser.current.kind else {
            throw FilterError(column: parser.current.column, message: "expected and, or or the end of the expression here")
        }
        return expression
    }

    private init(tokens: [FilterToken]) { self.tokens = tokens }

    private var current: FilterToken { tokens[position] }

    private mutating func advance() { if position < tokens.count - 1 { position += 1 } }

    private mutating func accept(_ keyword: String) -> Bool {
        guard current.kind == .keyword(keyword) else { return false }
        advance()
        return true
    }

    private mutating func or() throws(FilterError) -> FilterExpression {
        var left = try and()
        while accept("or") { left = .or(left, try and()) }
        return left
    }

    private mutating func and() throws(FilterError) -> FilterExpression {
        var left = try not()
        while accept("and") { left = .and(left, try not()) }
        return left
    }

    private mutating func not() throws(FilterError) -> FilterExpression {
        if accept("not") { return .not(try not()) }
        return try primary()
    }

    private mutating func primary() throws(FilterError) -> FilterExpression {
        if current.kind == .open {
            let column = current.column
            advance()
            let inner = try or()
            guard current.kind == .close else { throw FilterError(column: current.column, message: "expected ')' to close the '(' at column \(column)") }
            advance()
            return inner
        }
        let left = try operand()
        let column = current.column
        switch current.kind {
        case .comparison(let symbol):
            advance()
            return .compare(left, symbol, try operand(), column: column)
        case .keyword("is"):
            advance()
            let negated = accept("not")
            guard accept("null") else { throw FilterError(column: current.column, message: "expected null after is") }
            return .isNull(left, negated: negated)
        case .keyword("not"), .keyword("in"), .keyword("contains"):
            let negated = accept("not")
            if accept("in") { return try list(left, negated: negated, column: column) }
            if accept("contains") { return .contains(left, try operand(), negated: negated, column: column) }
            throw FilterError(column: current.column, message: "expected in or contains after not")
        default:
            guard case .name = left else {
                throw FilterError(column: left.column, message: "a value on its own is not a condition; compare it (e.g. order_count > 0)")
            }
            return .truth(left)
        }
    }

    private mutating func list(_ left: FilterOperand, negated: Bool, column: Int) throws(FilterError) -> FilterExpression {
        guard current.kind == .open else { throw FilterError(column: current.column, message: "expected '(' and a list of values after in") }
        advance()
        var values: [ProfileValue] = []
        repeat {
            guard case .literal(let value, _) = try operand() else {
                throw FilterError(column: tokens[position - 1].column, message: "a list after in holds values, not field names")
            }
            values.append(value)
        } while current.kind == .comma && { advance(); return true }()
        guard current.kind == .close else { throw FilterError(column: current.column, message: "expected ',' or ')' in the list") }
        advance()
        return .inList(left, values, negated: negated, column: column)
    }

    private mutating func operand() throws(FilterError) -> FilterOperand {
        let token = current
        switch token.kind {
        case .name(let name): advance(); return .name(name, column: token.column)
        case .text(let text): advance(); return .literal(.text(text), column: token.column)
        case .number(let value): advance(); return .literal(.number(value), column: token.column)
        case .keyword("true"): advance(); return .literal(.boolean(true), column: token.column)
        case .keyword("false"): advance(); return .literal(.boolean(false), column: token.column)
        case .keyword("null"): advance(); return .literal(.missing, column: token.column)
        case .end: throw FilterError(column: token.column, message: "the expression ends where a value was expected")
        default: throw FilterError(column: token.column, message: "expected a field name or a value here")
        }
    }
}
