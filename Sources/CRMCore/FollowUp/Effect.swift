import Foundation
import LuaBridge

/// One thing an action asks for, checked by Swift before anything is written: a task for a
/// salesperson, a tag added or removed, a message into the outbox, or a custom field value.
enum Effect: Equatable {
    case task(TaskRequest)
    case tag(String)
    case untag(String)
    case message(channel: String, template: String, data: String)
    case field(name: String, value: String)

    var kind: EffectKind {
        switch self {
        case .task: return .task
        case .tag: return .tag
        case .untag: return .untag
        case .message: return .message
        case .field: return .field
        }
    }

    /// A task as an action describes it; the due date is resolved against the run's as-of.
    struct TaskRequest: Equatable {
        var title: String
        var body: String?
        var owner: String?
        var priority: String
        var due: CalendarDate?
    }

    static let priorities = ["low", "normal", "high", "urgent"]
    /// The keys each kind of effect may have.
    private static let taskKeys = ["kind", "title", "body", "owner", "priority", "due", "due_in_days"]
    private static let tagKeys = ["kind", "tag"]
    private static let messageKeys = ["kind", "channel", "template", "data"]
    private static let fieldKeys = ["kind", "field", "value"]
    static let maximumTagLength = 64

    /// Reads the list `run` returned; the message says which effect and key is wrong.
    /// `today` is the run's as-of date in the business time zone, from which `due_in_days` counts.
    static func list(from value: LuaValue?, today: CalendarDate) throws(EffectError) -> [Effect] {
        guard let value, value != .nil else { return [] }
        guard case .table(let fields) = value else { throw EffectError("expected a list of effects, got \(PluginSchema.typeName(value))") }
        guard let items = value.arrayValues, items.count == fields.count else {
            throw EffectError("expected a list of effects { {kind = ...}, ... } without named keys")
        }
        return try items.enumerated().map { index, item throws(EffectError) in
            do throws(EffectError) { return try effect(item, today: today) } catch {
                throw EffectError("effect \(index + 1): \(error.message)")
            }
        }
    }

    private static func effect(_ value: LuaValue, today: CalendarDate) throws(EffectError) -> Effect {
        guard case .table(let fields) = value else { throw EffectError("expected a table with a kind, got \(PluginSchema.typeName(value))") }
        guard case .string(let kindName)? = fields["kind"], let kind = EffectKind(rawValue: kindName) else {
            let kinds = EffectKind.allCases.map(\.rawValue)
            let given = fields["kind"].map { $0.stringValue.map { "\"\($0)\"" } ?? PluginSchema.typeName($0) } ?? "none"
            throw EffectError("unknown effect kind \(given) (kinds: \(kinds.joined(separator: ", ")))")
        }
        let allowed: [String]
        switch kind {
        case .task: allowed = taskKeys
        case .tag, .untag: allowed = tagKeys
        case .message: allowed = messageKeys
        case .field: allowed = fieldKeys
        }
        for key in fields.keys where !allowed.contains(key.stringValue ?? "") {
            throw EffectError("unknown key \(key.stringValue.map { "'\($0)'" } ?? "\(key)") in a \(kindName) effect (allowed: \(allowed.dropFirst().joined(separator: ", ")))")
        }
        switch kind {
        case .task:
            return .task(try task(fields, today: today))
        case .tag, .untag:
            guard case .string(let tag)? = fields["tag"], !tag.isEmpty else { throw EffectError("a \(kindName) needs a non-empty tag") }
            guard tag.count <= maximumTagLength else { throw EffectError("tag \"\(tag.prefix(20))…\" is longer than \(maximumTagLength) characters") }
            return kind == .tag ? .tag(tag) : .untag(tag)
        case .message:
            let channel = try text(fields, "channel", of: "message")
            let template = try text(fields, "template", of: "message")
            let data = try JSONText.encode(fields["data"] ?? .table([:]), at: "data")
            return .message(channel: channel, template: template, data: data)
        case .field:
            let name = try text(fields, "field", of: "field")
            let value: String
            switch fields["value"] {
            case .string(let text)?: value = text
            case .integer(let number)?: value = String(number)
            case .number(let number)? where number.isFinite: value = String(number)
            case .boolean(let flag)?: value = flag ? "true" : "false"
            case nil, .nil?: value = ""
            case let other?: throw EffectError("a field value is a string, number or boolean, got \(PluginSchema.typeName(other))")
            }
            return .field(name: name, value: value)
        }
    }

    private static func task(_ fields: [LuaValue: LuaValue], today: CalendarDate) throws(EffectError) -> TaskRequest {
        let title = try text(fields, "title", of: "task")
        guard title.count <= 200 else { throw EffectError("a task title has at most 200 characters") }
        let body = try optionalText(fields, "body")
        let owner = try optionalText(fields, "owner")
        let priority = try optionalText(fields, "priority") ?? "normal"
        guard priorities.contains(priority) else {
            throw EffectError("priority \"\(priority)\" is not one of \(priorities.joined(separator: ", "))")
        }
        var due: CalendarDate?
        switch (fields["due"], fields["due_in_days"]) {
        case (nil, nil): due = nil
        case (.string(let text)?, nil):
            do { due = try CalendarDate.parse(text) } catch { throw EffectError("due \"\(text)\" is not a date (YYYY-MM-DD)") }
        case (nil, .integer(let days)?) where days >= 0 && days <= 36_500:
            due = CalendarDate(daysSinceEpoch: today.daysSinceEpoch + Int(days))
        case (nil, let value?):
            throw EffectError("due_in_days must be a whole number of days from 0, got \(value.stringValue.map { "\"\($0)\"" } ?? PluginSchema.typeName(value))")
        case (let value?, nil):
            throw EffectError("due must be a date string (YYYY-MM-DD), got \(PluginSchema.typeName(value))")
        default:
            throw EffectError("give due or due_in_days, not both")
        }
        return TaskRequest(title: title, body: body, owner: owner, priority: priority, due: due)
    }

    private static func text(_ fields: [LuaValue: LuaValue], _ key: String, of kind: String) throws(EffectError) -> String {
        guard case .string(let text)? = fields[.string(key)], !text.isEmpty else {
            throw EffectError("a \(kind) needs a non-empty \(key)")
        }
        return text
    }

    private static func optionalText(_ fields: [LuaValue: LuaValue], _ key: String) throws(EffectError) -> String? {
        switch fields[.string(key)] {
        case nil, .nil?: return nil
        case .string(let text)?: return text.isEmpty ? nil : text
        case let other?: throw EffectError("\(key) must be a string, got \(PluginSchema.typeName(other))")
        }
    }
}

/// Why an action's result was refused.
struct EffectError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
