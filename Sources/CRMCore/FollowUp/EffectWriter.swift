import GRDB

/// Checks and writes effects for one customer, whether an action or a job asked for them:
/// tasks, tags, outbox messages and custom field values.
struct EffectWriter {
    /// Where effects come from: an action firing for a change, or a job's `apply`.
    struct Origin {
        /// The action's or job's name, kept with tasks and messages.
        let name: String
        /// Unique for this firing: the outbox keys are `key/1`, `key/2`, … by effect.
        let key: String
        let transactional: Bool
        let caps: MessageCaps
        /// The `follow_ups` row of an action's firing; nil for a job.
        let followUp: Int64?
    }

    let fields: [CustomField]

    /// The effects a plugin without the matching permission may not return, as an error.
    static func checkPermissions(_ effects: [Effect], of plugin: PluginDefinition) throws(EffectError) {
        for effect in effects where !plugin.permissions.contains(effect.kind.permission) {
            throw EffectError(
                "returned a \(effect.kind.rawValue) effect, but the plugin does not declare the permission '\(effect.kind.permission)' "
                    + "(add permissions = { \"\(effect.kind.permission)\" })")
        }
    }

    /// The JSON of each field effect's value, checked against its declaration.
    func checkedFieldValues(_ effects: [Effect]) throws(EffectError) -> [String: String?] {
        var values: [String: String?] = [:]
        for case .field(let name, let text) in effects {
            guard let field = fields.first(where: { $0.name == name }) else { throw EffectError("no custom field named '\(name)'") }
            if field.definition.isComputed { throw EffectError("field '\(name)' is computed; it cannot be set") }
            switch field.check(text) {
            case .success(let value): values.updateValue(value.map(\.json), forKey: name)  // nil (clear) is kept as a value
            case .failure(let problem): throw EffectError("field '\(name)': \(problem.reason)")
            }
        }
        return values
    }

    /// Writes the effects into `writes` (nothing when `runID` is nil: a dry run), field values
    /// at once; returns one line per effect, or with `describe` false only each effect's kind
    /// (all a run that lists nothing needs to count them: a run of all segmentations at L fires
    /// 227k actions, and their lines were most of the memory the run held at its end).
    func write(
        _ effects: [Effect], for customerPK: Int64, from origin: Origin, fieldValues: [String: String?], db: Database, runID: Int64?,
        writes: FollowUpWrites?, describe: Bool = true
    ) throws -> [String] {
        var lines: [String] = []
        func line(_ text: @autoclosure () -> String) { if describe { lines.append(text()) } }
        let now = Timestamp.now()
        for (index, effect) in effects.enumerated() {
            switch effect {
            case .task(let task):
                line("task \"\(task.title)\"" + (task.owner.map { " for \($0)" } ?? "") + (task.due.map { " due \($0.iso8601)" } ?? ""))
                if runID != nil, let writes {
                    try writes.addTask(followUp: origin.followUp, customerPK: customerPK, action: origin.name, task: task, createdAt: now)
                }
            case .tag(let tag), .untag(let tag):
                line("\(effect.kind.rawValue) \"\(tag)\"")
                if runID != nil, let writes {
                    try writes.tag(customerPK: customerPK, tag: tag, add: effect.kind == .tag, followUp: origin.followUp, at: now)
                }
            case .message(let channel, let template, let data):
                var suppressed = false
                if runID != nil, let writes {
                    let status = try writes.addMessage(
                        key: "\(origin.key)/\(index + 1)", followUp: origin.followUp, customerPK: customerPK, action: origin.name,
                        channel: channel, template: template, data: data, transactional: origin.transactional, caps: origin.caps,
                        createdAt: now)
                    suppressed = status == .suppressed
                } else {
                    suppressed = try OutboxStore.block(db, customerPK: customerPK, channel: channel) != nil
                }
                line("message \(channel) \"\(template)\"" + (suppressed ? " (suppressed: \(channel) blocked)" : ""))
            case .field(let name, let text):
                line("field \(name) = \(text.isEmpty ? "(cleared)" : text)")
                if let runID, let json = fieldValues[name] { try FieldStore.set(db, customerPK: customerPK, field: name, json: json, runID: runID) }
            }
        }
        return describe ? lines : effects.map(\.kind.rawValue)
    }
}
