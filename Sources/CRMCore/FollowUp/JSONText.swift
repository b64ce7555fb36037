import Foundation
import LuaBridge

/// Encodes a Lua value as JSON text for an outbox message's data: strings, finite numbers,
/// booleans, lists and string-keyed tables; a function or a non-finite number is refused with
/// where it was.
enum JSONText {
    static func encode(_ value: LuaValue, at path: String) throws(EffectError) -> String {
        var text = ""
        try write(value, at: path, into: &text)
        return text
    }

    /// `path` is only built for an error message.
    private static func write(_ value: LuaValue, at path: @autoclosure () -> String, into text: inout String) throws(EffectError) {
        switch value {
        case .nil: text += "null"
        case .boolean(let flag): text += flag ? "true" : "false"
        case .integer(let number): text += String(number)
        case .number(let number):
            guard number.isFinite else { throw EffectError("\(path()) holds \(number), which is not a finite number") }
            text += number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : "\(number)"
        case .string(let string): text += FieldValue.quote(string)
        case .function: throw EffectError("\(path()) holds a function, which cannot be sent")
        case .table(let fields):
            if fields.isEmpty {
                text += "{}"
            } else if let items = value.arrayValues, items.count == fields.count {
                text += "["
                for (index, item) in items.enumerated() {
                    if index > 0 { text += "," }
                    try write(item, at: "\(path())[\(index + 1)]", into: &text)
                }
                text += "]"
            } else {
                var named: [(name: String, value: LuaValue)] = []
                named.reserveCapacity(fields.count)
                for (key, item) in fields {
                    guard case .string(let name) = key else { throw EffectError("\(path()) mixes list items and named keys") }
                    named.append((name, item))
                }
                text += "{"
                for (index, entry) in named.sorted(by: { $0.name < $1.name }).enumerated() {
                    if index > 0 { text += "," }
                    text += FieldValue.quote(entry.name) + ":"
                    try write(entry.value, at: "\(path()).\(entry.name)", into: &text)
                }
                text += "}"
            }
        }
    }
}
