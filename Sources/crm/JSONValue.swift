import CRMCore
import Foundation

/// A value printed by a listing command: typed, so that JSON gets numbers, booleans and `null`
/// where they belong, while tables and CSV get the same text. Numbers keep their exact digits
/// (money `12.50` stays `12.50`; a score is printed in its shortest round-trip form).
enum JSONValue {
    case string(String)
    case integer(Int64)
    case number(Double)
    /// A decimal number as exact text, e.g. money formatted with the currency's decimals.
    case decimal(String)
    case boolean(Bool)
    case null
    case array([JSONValue])
    /// Keys in the order given.
    case object([(String, JSONValue)])

    static func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
    static func count(_ value: Int) -> JSONValue { .integer(Int64(value)) }

    /// A custom field's value as its declared type: integers and decimals as numbers, booleans
    /// as booleans. A value stored before the field's type changed may not fit: it stays text.
    static func field(_ text: String, type: FieldType?) -> JSONValue {
        switch type {
        case .integer?, .decimal?: return decimalOrText(text)
        case .boolean?: return text == "true" || text == "false" ? .boolean(text == "true") : .string(text)
        default: return .string(text)
        }
    }

    /// A decimal number when `text` is one in crm's grammar (`-?digits[.digits]`), else a string.
    static func decimalOrText(_ text: String) -> JSONValue {
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        let isDecimal = (1...2).contains(parts.count) && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
        return isDecimal ? .decimal(text) : .string(text)
    }

    /// The text for a table or CSV cell (empty for null).
    var cellText: String {
        switch self {
        case .string(let text), .decimal(let text): return text
        case .integer(let value): return String(value)
        case .number(let value): return Self.exact(value)
        case .boolean(let value): return value ? "true" : "false"
        case .null: return ""
        case .array, .object: return json(indent: nil)
        }
    }

    /// The shortest text that reads back as exactly `value`, in plain notation for ordinary
    /// magnitudes (`26278.8`, `100`, `0.25`; `1.957e-11` only where plain digits would be absurd).
    static func exact(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// JSON text; pretty-printed with two spaces per level when `indent` is given.
    func json(indent: Int? = 0) -> String {
        var out = ""
        write(into: &out, indent: indent)
        return out
    }

    private func write(into out: inout String, indent: Int?) {
        let newline = indent.map { "\n" + String(repeating: "  ", count: $0 + 1) } ?? ""
        let closing = indent.map { "\n" + String(repeating: "  ", count: $0) } ?? ""
        let inner = indent.map { $0 + 1 }
        switch self {
        case .string(let text): Self.quote(text, into: &out)
        case .number(let value): out += value.isFinite ? Self.exact(value) : "null"
        case .null: out += "null"
        case .integer, .decimal, .boolean: out += cellText
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (index, item) in items.enumerated() {
                out += (index == 0 ? "" : ",") + newline
                item.write(into: &out, indent: inner)
            }
            out += closing + "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{"
            for (index, (key, value)) in members.enumerated() {
                out += (index == 0 ? "" : ",") + newline
                Self.quote(key, into: &out)
                out += indent == nil ? ":" : ": "
                value.write(into: &out, indent: inner)
            }
            out += closing + "}"
        }
    }

    private static func quote(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
