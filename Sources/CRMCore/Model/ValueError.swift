/// Why a single field value was rejected by a value parser (`Timestamp.parse`, `Money.parseMinorUnits`, ...).
///
/// Parsers know only the value; the caller adds `file:line: column 'x':` in front of `description`.
/// `.empty` is its own case so a caller can allow an optional column to be empty:
///
/// ```swift
/// do { birthDate = try CalendarDate.parse(field.bytes) }
/// catch .empty { birthDate = nil }
/// ```
public enum ValueError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The field has no bytes at all.
    case empty
    /// The field has text that is not exactly in the expected format; `reason` completes a sentence
    /// whose subject is the quoted value, e.g. `is not a decimal number`.
    case invalid(value: String, reason: String)

    /// `"1,50" is not a decimal number (use a dot as the decimal separator)`, or `is empty`.
    public var description: String {
        switch self {
        case .empty:
            return "is empty"
        case .invalid(let value, let reason):
            return "\(Self.quoted(value)) \(reason)"
        }
    }

    /// The reason alone, without the value: `is not a decimal number`.
    public var reason: String {
        switch self {
        case .empty: return "is empty"
        case .invalid(_, let reason): return reason
        }
    }

    /// Longest value shown in a message before it is cut with `…`.
    static let maximumShownCharacters = 40

    /// Builds `.invalid` from the raw field bytes (decoded leniently: a message must never fail).
    static func invalid(_ bytes: UnsafeRawBufferPointer, _ reason: String) -> ValueError {
        .invalid(value: String(decoding: bytes, as: UTF8.self), reason: reason)
    }

    /// Puts `value` in double quotes for an error line: at most ~40 characters, control characters
    /// and quotes escaped so a newline inside a bad value cannot break the message in two.
    public static func quoted(_ value: String) -> String {
        var out = "\""
        var shown = 0
        for character in value {
            if shown == maximumShownCharacters {
                out += "…"
                break
            }
            shown += 1
            for scalar in character.unicodeScalars {
                switch scalar {
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                default:
                    if scalar.value < 0x20 || scalar.value == 0x7F {
                        out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
        }
        return out + "\""
    }
}
