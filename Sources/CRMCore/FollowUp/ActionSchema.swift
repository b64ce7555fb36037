import LuaBridge

/// The `actions` section of a plugin table: each action names one trigger (`enter`, `leave` or
/// `stay`) over segments of one segmentation, and a `run` function. Whether the segmentation
/// and its segments exist is checked once every plugin is loaded (`PluginCatalog`), since an
/// action may follow another plugin's segmentation.
extension PluginSchema {
    static let actionKeys = [
        "description", "segmentation", "enter", "leave", "stay", "when", "run", "holdout", "reentry", "transactional", "caps",
    ]

    mutating func actions(_ value: LuaValue) -> [ActionDefinition] {
        guard let section = table(value, at: ["actions"], expected: "expected a table of actions") else { return [] }
        var actions: [ActionDefinition] = []
        for (key, definition) in section.sorted(by: { "\($0.key)" < "\($1.key)" }) {
            guard case .string(let name) = key else {
                report(["actions"], "keys must be action names (strings)")
                continue
            }
            if let action = action(name, definition) { actions.append(action) }
        }
        return actions
    }

    private mutating func action(_ name: String, _ value: LuaValue) -> ActionDefinition? {
        let path = ["actions", name]
        if !isIdentifier(name) { report(path, "an action name is lower case letters, digits and _ (e.g. \"win_back\")") }
        guard let fields = table(value, at: path, expected: "expected a table with segmentation, a trigger and run") else { return nil }
        checkKeys(fields, allowed: Self.actionKeys, at: path, what: "an action")
        let description = optionalString(fields["description"], at: path + ["description"])
        let segmentation = requiredString(fields["segmentation"], at: path + ["segmentation"])
        let trigger = self.trigger(fields, at: path)
        let run = function(fields["run"], at: path + ["run"], required: true, expected: "a function(c, p, event) returning a list of effects")
        let condition = function(fields["when"], at: path + ["when"], required: false, expected: "a function(c, p, event) returning true or false")
        var holdout = 0.0
        if let value = fields["holdout"] {
            if let share = value.doubleValue, share >= 0, share < 1 { holdout = share } else {
                report(path + ["holdout"], "expected a share from 0 up to (not including) 1, e.g. 0.1 for 10%")
            }
        }
        let reentry = self.reentry(fields["reentry"], at: path + ["reentry"])
        var transactional = false
        switch fields["transactional"] {
        case nil, .boolean(false)?: transactional = false
        case .boolean(true)?: transactional = true
        default: report(path + ["transactional"], "expected true or false")
        }
        let caps = self.caps(fields["caps"], at: path + ["caps"])
        guard let segmentation, let trigger, let run, let reentry else { return nil }
        return ActionDefinition(
            name: name, description: description,
            trigger: ActionTrigger(kind: trigger.kind, segmentation: segmentation, segments: trigger.segments, days: trigger.days),
            condition: condition, run: run, holdout: holdout, reentry: reentry, transactional: transactional, caps: caps)
    }

    private mutating func trigger(_ fields: [LuaValue: LuaValue], at path: [String]) -> (kind: ActionTrigger.Kind, segments: [String], days: Int)? {
        let given = ActionTrigger.Kind.allKinds.filter { fields[.string($0.rawValue)] != nil }
        guard given.count == 1, let kind = given.first, let value = fields[.string(kind.rawValue)] else {
            report(path, given.isEmpty
                ? "missing a trigger: enter = {segments}, leave = {segments} or stay = { segments = {...}, days = N }"
                : "give one trigger, not \(given.map(\.rawValue).joined(separator: " and "))")
            return nil
        }
        let triggerPath = path + [kind.rawValue]
        guard kind == .stay else {
            return segmentNames(value, at: triggerPath).map { (kind, $0, 0) }
        }
        guard let stay = table(value, at: triggerPath, expected: "expected { segments = {...}, days = N }") else { return nil }
        checkKeys(stay, allowed: ["segments", "days"], at: triggerPath, what: "a stay trigger")
        var days: Int?
        if case .integer(let count)? = stay["days"], count > 0, count <= 36_500 { days = Int(count) } else {
            report(triggerPath + ["days"], "expected a whole number of days above 0")
        }
        guard let segments = stay["segments"].flatMap({ segmentNames($0, at: triggerPath + ["segments"]) }) else {
            if stay["segments"] == nil { report(triggerPath + ["segments"], "missing: the segments to stay in") }
            return nil
        }
        return days.map { (kind, segments, $0) }
    }

    /// A segment name or a non-empty list of them.
    private mutating func segmentNames(_ value: LuaValue, at path: [String]) -> [String]? {
        if case .string(let name) = value, !name.isEmpty { return [name] }
        guard let names = stringList(value, at: path) else { return nil }
        if names.isEmpty { report(path, "name at least one segment") }
        return names.isEmpty ? nil : names
    }

    private mutating func function(_ value: LuaValue?, at path: [String], required: Bool, expected: String) -> LuaFunctionRef? {
        guard let value else {
            if required { report(path, "missing: \(expected)") }
            return nil
        }
        guard let function = value.functionValue else {
            report(path, "expected \(expected), got \(Self.typeName(value))")
            return nil
        }
        return function
    }

    private mutating func reentry(_ value: LuaValue?, at path: [String]) -> Reentry? {
        switch value {
        case nil, .string("once")?: return .once
        case .string("every_time")?: return .everyTime
        case .table(let fields)?:
            checkKeys(fields, allowed: ["cooldown_days"], at: path, what: "a re-entry rule")
            if case .integer(let days)? = fields["cooldown_days"], days > 0, days <= 36_500 { return .cooldown(days: Int(days)) }
            report(path + ["cooldown_days"], "expected a whole number of days above 0")
            return nil
        default:
            report(path, "expected \"once\", \"every_time\" or { cooldown_days = N }")
            return nil
        }
    }

    private mutating func caps(_ value: LuaValue?, at path: [String]) -> MessageCaps {
        guard let value, let fields = table(value, at: path, expected: "expected { per_day = N, per_week = N }") else {
            return MessageCaps()
        }
        checkKeys(fields, allowed: ["per_day", "per_week"], at: path, what: "message caps")
        func limit(_ key: String) -> Int? {
            guard let value = fields[.string(key)] else { return nil }
            if case .integer(let count) = value, count >= 0 { return Int(count) }
            report(path + [key], "expected a whole number of messages, 0 or more")
            return nil
        }
        return MessageCaps(perDay: limit("per_day"), perWeek: limit("per_week"))
    }
}

extension ActionTrigger.Kind {
    static let allKinds: [ActionTrigger.Kind] = [.enter, .leave, .stay]
}
