import Foundation

/// A typed value of a custom field.
///
/// Stored as JSON text in `customer_fields.value` (`"gold"`, `42`, `12.50`, `true`,
/// `"2025-01-31"`); decimals keep their exact digits.
public enum FieldValue: Equatable, Sendable, CustomStringConvertible {
    case string(String)
    case integer(Int64)
    /// Canonical decimal text: `-?digits(.digits)?`.
    case decimal(String)
    case boolean(Bool)
    case date(CalendarDate)

    /// The value as a user writes it on the command line or in a CSV cell.
    public var description: String {
        switch self {
        case .string(let text): return text
        case .integer(let value): return String(value)
        case .decimal(let text): return text
        case .boolean(let value): return value ? "true" : "false"
        case .date(let date): return date.iso8601
        }
    }

    /// The JSON text stored in the database.
    var json: String {
        switch self {
        case .string(let text): return Self.quote(text)
        case .integer(let value): return String(value)
        case .decimal(let text): return text
        case .boolean(let value): return value ? "true" : "false"
        case .date(let date): return Self.quote(date.iso8601)
        }
    }

    /// Reads stored JSON back as `type`; nil when it does not fit the type (any more).
    ///
    /// Profile builds decode every stored value of every customer, so the forms crm writes are
    /// read directly; only a string with escapes goes through `JSONSerialization`.
    static func decode(json: String, as type: FieldType) -> FieldValue? {
        switch type {
        case .string, .enumeration:
            return string(json: json).map(FieldValue.string)
        case .date:
            return string(json: json).flatMap { try? CalendarDate.parse($0) }.map(FieldValue.date)
        case .boolean:
            return json == "true" ? .boolean(true) : json == "false" ? .boolean(false) : nil
        case .integer:
            return Int64(json).map(FieldValue.integer)
        case .decimal:
            return FieldValue.isDecimal(json) ? .decimal(json) : nil
        }
    }

    /// The text of a JSON string literal; nil for anything else.
    private static func string(json: String) -> String? {
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        let plain: Bool? = json.utf8.withContiguousStorageIfAvailable { bytes in
            guard bytes.count >= 2, bytes.first == quote, bytes.last == quote else { return false }
            return !bytes[1..<(bytes.count - 1)].contains { $0 == quote || $0 == backslash || $0 < 0x20 }
        }
        if plain == true { return String(json.dropFirst().dropLast()) }
        guard let data = json.data(using: .utf8),
            let text = (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) as? String
        else { return nil }
        return text
    }

    /// The stored JSON as the text a user would type, whatever its type (for reports).
    static func displayText(json: String) -> String {
        string(json: json) ?? json
    }

    /// The value as a Lua-facing profile value.
    var profileValue: ProfileValue {
        switch self {
        case .string(let text): return .text(text)
        case .integer(let value): return .integer(value)
        case .decimal(let text): return Double(text).map(ProfileValue.number) ?? .missing
        case .boolean(let value): return .boolean(value)
        case .date(let date): return .text(date.iso8601)
        }
    }

    static func isDecimal(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else { return false }
        return parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { (48...57).contains($0) } }
    }

    /// `text` as a JSON string literal. Text without quotes, backslashes or control characters
    /// is quoted directly (a computed field writes a million of these per run); anything else
    /// goes through `JSONSerialization`.
    static func quote(_ text: String) -> String {
        let plain = text.utf8.allSatisfy { $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
        return plain ? "\"" + text + "\"" : quoteWithFoundation(text)
    }

    static func quoteWithFoundation(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
        let array = String(decoding: data, as: UTF8.self)
        return String(array.dropFirst().dropLast())
    }
}
