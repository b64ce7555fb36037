/// One token of a `--where` expression, with the column (1-based, in characters) it starts at.
struct FilterToken: Equatable {
    enum Kind: Equatable {
        /// A field name, possibly dotted: `order_count`, `segment.rfm`, `score.churn_risk`.
        case name(String)
        case text(String)
        case number(Double)
        /// `=`, `!=`, `<`, `<=`, `>`, `>=` (`==` is `=`; `<>` and `~=` are `!=`).
        case comparison(String)
        /// and, or, not, in, is, null, contains, true, false (any case).
        case keyword(String)
        case open, close, comma
        case end
    }

    let kind: Kind
    let column: Int

    static let keywords: Set<String> = ["and", "or", "not", "in", "is", "null", "contains", "true", "false"]

    /// Splits `text` into tokens; a character that cannot start one is an error at its column.
    static func tokens(of text: String) throws(FilterError) -> [FilterToken] {
        let characters = Array(text)
        var tokens: [FilterToken] = []
        var index = 0
        func peek(_ offset: Int = 0) -> Character? { index + offset < characters.count ? characters[index + offset] : nil }
        while index < characters.count {
            let character = characters[index]
            let column = index + 1
            if character.isWhitespace {
                index += 1
            } else if character == "(" || character == ")" || character == "," {
                tokens.append(FilterToken(kind: character == "(" ? .open : character == ")" ? .close : .comma, column: column))
                index += 1
            } else if character == "\"" || character == "'" {
                // Either quote makes a string; the quote itself is written twice or escaped with \.
                var value = ""
                index += 1
                while true {
                    guard let next = peek() else { throw FilterError(column: column, message: "this string is never closed") }
                    if next == "\\", let escaped = peek(1) {
                        value.append(escaped)
                        index += 2
                    } else if next == character {
                        if peek(1) == character {
                            value.append(character)
                            index += 2
                        } else {
                            index += 1
                            break
                        }
                    } else {
                        value.append(next)
                        index += 1
                    }
                }
                tokens.append(FilterToken(kind: .text(value), column: column))
            } else if character.isNumber || (character == "-" && peek(1)?.isNumber == true) || (character == "." && peek(1)?.isNumber == true) {
                var literal = String(character)
                index += 1
                while let next = peek(), next.isNumber || next == "." || next == "e" || next == "E"
                    || ((next == "-" || next == "+") && (literal.last == "e" || literal.last == "E")) {
                    literal.append(next)
                    index += 1
                }
                guard literal.allSatisfy(\.isASCII), let value = Double(literal), value.isFinite else {
                    throw FilterError(column: column, message: "\"\(literal)\" is not a number")
                }
                tokens.append(FilterToken(kind: .number(value), column: column))
            } else if character.isLetter || character == "_" {
                var name = ""
                // Tags may have hyphens (`tag.win-back`); other names may not (`a-b` is not a name).
                while let next = peek(),
                    next.isLetter || next.isNumber || next == "_" || next == "."
                        || (next == "-" && name.hasPrefix("tag.") && peek(1).map { $0.isLetter || $0.isNumber } == true)
                {
                    name.append(next)
                    index += 1
                }
                let lower = name.lowercased()
                tokens.append(FilterToken(kind: keywords.contains(lower) ? .keyword(lower) : .name(name), column: column))
            } else if "=!<>~".contains(character) {
                var symbol = String(character)
                if let next = peek(1), "=>".contains(next), symbol + String(next) != "=>" {
                    symbol.append(next)
                }
                index += symbol.count
                let normalized: String
                switch symbol {
                case "=", "==": normalized = "="
                case "!=", "<>", "~=": normalized = "!="
                case "<", "<=", ">", ">=": normalized = symbol
                default:
                    throw FilterError(column: column, message: "'\(symbol)' is not an operator (use =, !=, <, <=, >, >=)")
                }
                tokens.append(FilterToken(kind: .comparison(normalized), column: column))
            } else {
                throw FilterError(
                    column: column,
                    message: "unexpected '\(character)'" + ("+-*/%".contains(character) ? " (arithmetic is not part of the filter language)" : ""))
            }
        }
        tokens.append(FilterToken(kind: .end, column: characters.count + 1))
        return tokens
    }
}

/// A mistake in a `--where` expression, at a column of it.
struct FilterError: Error, Equatable {
    let column: Int
    let message: String
}
