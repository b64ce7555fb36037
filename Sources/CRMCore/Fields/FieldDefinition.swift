import LuaBridge

/// A custom field a plugin declares in its `fields` section.
///
/// Values are stored without schema migrations and checked against this declaration wherever
/// they come from: a CSV column, `crm field set`, or the field's own `compute` function.
public struct FieldDefinition: PopulationNeeds {
    public let name: String
    public let type: FieldType
    /// Allowed values of an `enum` field, in declared order.
    public let values: [String]
    public let required: Bool
    /// Used when a customer has no stored value.
    public let defaultValue: FieldValue?
    public let label: String?
    public let description: String?
    /// Bounds of `integer` and `decimal` values.
    public let minimum: Double?
    public let maximum: Double?
    /// Longest `string` value, in characters.
    public let maxLength: Int?
    /// A Lua pattern (`string.find`) a `string` value must match.
    public let pattern: String?
    /// `validate(value)` returning true, or false/nil and a message.
    let validate: LuaFunctionRef?
    /// `compute(c, p)` returning the value: the field is computed, not entered.
    let compute: LuaFunctionRef?
    /// Population ranks and statistics a computed field reads, as for segmentations.
    public let ranks: [RankSpec]
    public let shareRanks: [ShareRankSpec]
    public let stats: [String]
    public let frequencies: [FrequencySpec]
    /// Holds personal data: erased by `crm customer delete --anonymize`.
    public var personal = false

    public var isComputed: Bool { compute != nil }

    /// `enum (bronze, silver, gold)`, `string ≤ 80`, `decimal 0…1000000`: the type as `crm field list` shows it.
    public var typeDescription: String {
        var text = type.rawValue
        if type == .enumeration { text += " (" + values.joined(separator: ", ") + ")" }
        if let maxLength { text += " ≤ \(maxLength) chars" }
        if minimum != nil || maximum != nil {
            text += " " + (minimum.map { Self.number($0) } ?? "…") + "…" + (maximum.map { Self.number($0) } ?? "")
        }
        if pattern != nil { text += " matching a pattern" }
        if validate != nil { text += ", checked by validate" }
        if isComputed { text += ", computed" }
        if personal { text += ", personal" }
        return text
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

/// Why a value does not fit a field, completing a sentence about the quoted value.
public struct FieldProblem: Error, Equatable, Sendable {
    public let reason: String
}

extension FieldDefinition {
    /// Parses non-empty `text` as this field's type and checks the declared bounds (not the Lua
    /// `pattern` and `validate`, which `FieldValidator` runs in the plugin's state).
    public func parse(_ text: String) -> Result<FieldValue, FieldProblem> {
        var quoted: String { ValueError.quoted(text) }
        let value: FieldValue
        switch type {
        case .string:
            if let maxLength, text.count > maxLength {
                return .failure(FieldProblem(reason: "\(quoted) is \(text.count) characters long; '\(name)' allows at most \(maxLength)"))
            }
            value = .string(text)
        case .enumeration:
            guard values.contains(text) else {
                return .failure(FieldProblem(reason: "\(quoted) is not one of \(values.joined(separator: ", "))"))
            }
            value = .string(text)
        case .integer:
            guard let number = try? ValueParsers.parseInteger(text) else {
                return .failure(FieldProblem(reason: "\(quoted) is not a whole number"))
            }
            value = .integer(number)
        case .decimal:
            guard FieldValue.isDecimal(text) else {
                return .failure(FieldProblem(reason: "\(quoted) is not a decimal number (digits with an optional dot, like 12.50)"))
            }
            value = .decimal(text)
        case .boolean:
            switch text {
            case "true": value = .boolean(true)
            case "false": value = .boolean(false)
            default: return .failure(FieldProblem(reason: "\(quoted) is not a boolean (true or false)"))
            }
        case .date:
            do {
                value = .date(try CalendarDate.parse(text))
            } catch {
                return .failure(FieldProblem(reason: error.description))
            }
        }
        if type == .integer || type == .decimal, let number = Double(value.description) {
            if let minimum, number < minimum {
                return .failure(FieldProblem(reason: "\(quoted) is below the minimum \(Self.number(minimum)) of '\(name)'"))
            }
            if let maximum, number > maximum {
                return .failure(FieldProblem(reason: "\(quoted) is above the maximum \(Self.number(maximum)) of '\(name)'"))
            }
        }
        return .success(value)
    }
}
