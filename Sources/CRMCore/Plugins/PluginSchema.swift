import LuaBridge

/// Validates the table a plugin file returns against the plugin schema, collecting a problem
/// (with its key path) for everything wrong instead of stopping at the first.
struct PluginSchema {
    static let topLevelKeys = [
        "name", "version", "description", "params", "permissions", "profile", "segmentations", "scores", "fields", "actions", "jobs",
    ]
    static let fieldKeys = [
        "type", "values", "required", "default", "label", "description", "min", "max", "max_length", "pattern", "validate",
        "compute", "rank", "stats", "frequencies", "personal",
    ]
    static let segmentationKeys = ["description", "segments", "rank", "stats", "frequencies", "classify", "explain", "examples", "grid"]
    static let scoreKeys = ["description", "rank", "stats", "frequencies", "compute", "decay", "decimals", "examples"]
    static let rankKeys = ["by", "order", "tiles", "among", "share"]
    /// Capabilities a plugin may ask for: the effects its actions may return (reading profiles needs none).
    static let knownPermissions: Set<String> = Set(EffectKind.allCases.map(\.permission))

    /// Names the plugin may rank or decay by: the profile fields its `profile` section gives it
    /// and its own custom fields (set by `validate`).
    private(set) var profileFields: Set<String> = []
    private(set) var problems: [(path: [String], message: String)] = []

    mutating func validate(_ value: LuaValue) -> PluginDefinition? {
        guard let plugin = table(value, at: [], expected: "the file must return a table (return { name = ..., ... })")
        else { return nil }
        checkKeys(plugin, allowed: Self.topLevelKeys, at: [], what: "a plugin")
        let name = identifier(plugin["name"], at: ["name"])
        let version = requiredString(plugin["version"], at: ["version"])
        let description = requiredString(plugin["description"], at: ["description"])
        let params = parameters(plugin["params"], at: ["params"])
        let profile = profileDeclaration(plugin["profile"])
        profileFields = ProfileField.names(seenBy: profile)
        // The plugin's own custom fields can be ranked and read like the core's.
        if case .table(let fields)? = plugin["fields"] {
            for case .string(let name) in fields.keys { profileFields.insert(name) }
        }
        let permissions = stringList(plugin["permissions"], at: ["permissions"]) ?? []
        for (index, permission) in permissions.enumerated() where !Self.knownPermissions.contains(permission) {
            report(["permissions", "[\(index + 1)]"], "unknown permission '\(permission)' (known: \(Self.knownPermissions.sorted().joined(separator: ", ")))")
        }
        var segmentations: [SegmentationDefinition] = []
        if let value = plugin["segmentations"], let section = table(value, at: ["segmentations"], expected: "expected a table of segmentations") {
            for (key, definition) in section.sorted(by: { "\($0.key)" < "\($1.key)" }) {
                guard case .string(let segmentationName) = key else {
                    report(["segmentations"], "keys must be segmentation names (strings)")
                    continue
                }
                if let segmentation = self.segmentation(segmentationName, definition, params: params) {
                    segmentations.append(segmentation)
                }
            }
        }
        var scores: [ScoreDefinition] = []
        if let value = plugin["scores"], let section = table(value, at: ["scores"], expected: "expected a table of scores") {
            for (key, definition) in section.sorted(by: { "\($0.key)" < "\($1.key)" }) {
                guard case .string(let scoreName) = key else {
                    report(["scores"], "keys must be score names (strings)")
                    continue
                }
                if let score = self.score(scoreName, definition) { scores.append(score) }
            }
        }
        var customFields: [FieldDefinition] = []
        if let value = plugin["fields"], let section = table(value, at: ["fields"], expected: "expected a table of fields") {
            for (key, definition) in section.sorted(by: { "\($0.key)" < "\($1.key)" }) {
                guard case .string(let fieldName) = key else {
                    report(["fields"], "keys must be field names (strings)")
                    continue
                }
                if let field = self.field(fieldName, definition) { customFields.append(field) }
            }
        }
        let actions = plugin["actions"].map { self.actions($0) } ?? []
        var jobSchema = JobSchema(params: params ?? [])
        let jobs = jobSchema.validate(plugin["jobs"])
        problems += jobSchema.problems
        if plugin["segmentations"] == nil && plugin["scores"] == nil && plugin["fields"] == nil && plugin["actions"] == nil && plugin["jobs"] == nil {
            report([], "the plugin defines nothing: add segmentations, scores, fields, actions or jobs")
        }
        guard problems.isEmpty, let name, let version, let description, let params else { return nil }
        return PluginDefinition(
            name: name, version: version, description: description, params: params, permissions: permissions,
            segmentations: segmentations, scores: scores, fields: customFields, actions: actions, jobs: jobs, profile: profile)
    }

    // MARK: Sections

    private mutating func segmentation(_ name: String, _ value: LuaValue, params: [(key: String, value: ParameterValue)]?) -> SegmentationDefinition? {
        let path = ["segmentations", name]
        if !isIdentifier(name) { report(path, "a segmentation name is lower case letters, digits and _ (e.g. \"rfm\")") }
        guard let fields = table(value, at: path, expected: "expected a table with segments and classify") else { return nil }
        checkKeys(fields, allowed: Self.segmentationKeys, at: path, what: "a segmentation")
        let description = optionalString(fields["description"], at: path + ["description"])
        let segments = segmentList(fields["segments"], at: path + ["segments"])
        let population = self.population(fields, at: path)
        var classify: LuaFunctionRef?
        if let value = fields["classify"] {
            classify = value.functionValue
            if classify == nil { report(path + ["classify"], "expected a function(c, p) returning a segment and a reason") }
        } else {
            report(path, "missing 'classify': a function(c, p) returning a segment and a reason")
        }
        var explain: LuaFunctionRef?
        if let value = fields["explain"] {
            explain = value.functionValue
            if explain == nil { report(path + ["explain"], "expected a function(c, p, segment) returning the reason") }
        }
        let examples = exampleList(fields["examples"], at: path + ["examples"], segments: segments ?? [])
        let grid = gridRanks(fields["grid"], at: path + ["grid"], ranks: population.ranks.map(\.name))
        guard let segments, let classify else { return nil }
        return SegmentationDefinition(
            name: name, description: description, segments: segments, ranks: population.ranks,
            shareRanks: population.shares, stats: population.stats, frequencies: population.frequencies,
            classify: classify, explain: explain, examples: examples, grid: grid)
    }

    private mutating func score(_ name: String, _ value: LuaValue) -> ScoreDefinition? {
        let path = ["scores", name]
        if !isIdentifier(name) { report(path, "a score name is lower case letters, digits and _ (e.g. \"churn_risk\")") }
        guard let fields = table(value, at: path, expected: "expected a table with compute") else { return nil }
        checkKeys(fields, allowed: Self.scoreKeys, at: path, what: "a score")
        let description = optionalString(fields["description"], at: path + ["description"])
        let population = self.population(fields, at: path)
        var compute: LuaFunctionRef?
        if let value = fields["compute"] {
            compute = value.functionValue
            if compute == nil { report(path + ["compute"], "expected a function(c, p) returning a number and an explanation") }
        } else {
            report(path, "missing 'compute': a function(c, p) returning a number and an explanation")
        }
        var decay: ScoreDecay?
        if let value = fields["decay"], let table = table(value, at: path + ["decay"], expected: "expected { half_life_days = ..., by = ... }") {
            checkKeys(table, allowed: ["half_life_days", "by", "when_missing"], at: path + ["decay"], what: "a decay")
            let field = requiredString(table["by"], at: path + ["decay", "by"]) ?? ""
            if !field.isEmpty, !profileFields.contains(field) { report(path + ["decay", "by"], "'\(field)' is not a profile field") }
            var whenMissing = ScoreDecay.WhenMissing.decayed
            if let value = table["when_missing"] {
                if let text = value.stringValue, let parsed = ScoreDecay.WhenMissing(rawValue: text) {
                    whenMissing = parsed
                } else {
                    report(path + ["decay", "when_missing"], "expected \"decayed\" (the value becomes 0, the default) or \"kept\" (no decay)")
                }
            }
            if let halfLife = table["half_life_days"]?.doubleValue, halfLife > 0 {
                decay = ScoreDecay(halfLifeDays: halfLife, field: field, whenMissing: whenMissing)
            } else {
                report(path + ["decay", "half_life_days"], "expected a number of days above 0")
            }
        }
        var decimals: Int?
        if let value = fields["decimals"] {
            if case .integer(let count) = value, (0...15).contains(count) {
                decimals = Int(count)
            } else {
                report(path + ["decimals"], "expected a whole number of decimal places from 0 to 15")
            }
        }
        var examples: [ScoreExample] = []
        for item in exampleTables(fields["examples"], at: path + ["examples"], allowed: ["customer", "params", "score"]) {
            guard let expected = item.fields["score"]?.doubleValue else {
                report(item.path + ["score"], "expected the number compute must return")
                continue
            }
            examples.append(ScoreExample(customer: item.customer, params: item.params, score: expected))
        }
        guard let compute else { return nil }
        return ScoreDefinition(
            name: name, description: description, ranks: population.ranks, shareRanks: population.shares,
            stats: population.stats, frequencies: population.frequencies, compute: compute, decay: decay, decimals: decimals,
            examples: examples)
    }

    private mutating func field(_ name: String, _ value: LuaValue) -> FieldDefinition? {
        let path = ["fields", name]
        if !isIdentifier(name) { report(path, "a field name is lower case letters, digits and _ (e.g. \"vip_level\")") }
        if ProfileField.coreNames.contains(name) || RecordKind.customers.columns.contains(name) {
            report(path, "'\(name)' is already a customer attribute or profile field; choose another name")
        } else if ProfileShape.looksLikeWindow(name) {
            report(path, "'\(name)' has the form of a profile window (<name>_<N>d); choose another name")
        }
        guard let fields = table(value, at: path, expected: "expected { type = ..., ... }") else { return nil }
        checkKeys(fields, allowed: Self.fieldKeys, at: path, what: "a field")
        guard let typeName = requiredString(fields["type"], at: path + ["type"]) else { return nil }
        guard let type = FieldType(rawValue: typeName) else {
            report(path + ["type"], "\"\(typeName)\" is not a field type (\(FieldType.allCases.map(\.rawValue).joined(separator: ", ")))")
            return nil
        }
        var values: [String] = []
        if type == .enumeration {
            values = segmentList(fields["values"], at: path + ["values"], isEnum: true) ?? []
        } else if fields["values"] != nil {
            report(path + ["values"], "only enum fields have values")
        }
        func number(_ key: String) -> Double? {
            guard let value = fields[.string(key)] else { return nil }
            guard type == .integer || type == .decimal else {
                report(path + [key], "only integer and decimal fields have \(key)")
                return nil
            }
            guard let number = value.doubleValue else {
                report(path + [key], "expected a number")
                return nil
            }
            return number
        }
        let minimum = number("min")
        let maximum = number("max")
        var maxLength: Int?
        if let value = fields["max_length"] {
            if type != .string { report(path + ["max_length"], "only string fields have max_length") }
            if case .integer(let length) = value, length > 0 { maxLength = Int(length) } else {
                report(path + ["max_length"], "expected a whole number above 0")
            }
        }
        var pattern: String?
        if let value = fields["pattern"] {
            if type != .string { report(path + ["pattern"], "only string fields have a pattern") }
            pattern = requiredString(value, at: path + ["pattern"])
        }
        var required = false
        switch fields["required"] {
        case nil, .boolean(false)?: required = false
        case .boolean(true)?: required = true
        default: report(path + ["required"], "expected true or false")
        }
        func function(_ key: String) -> LuaFunctionRef? {
            guard let value = fields[.string(key)] else { return nil }
            guard let function = value.functionValue else {
                report(path + [key], "expected a function")
                return nil
            }
            return function
        }
        let validate = function("validate")
        let compute = function("compute")
        if compute != nil && required { report(path + ["required"], "a computed field cannot be required: it is never entered") }
        var defaultValue: FieldValue?
        if let value = fields["default"] {
            let text: String? = switch value {
            case .string(let text): text
            case .integer(let number): String(number)
            case .number(let number): String(number)
            case .boolean(let flag): flag ? "true" : "false"
            default: nil
            }
            let probe = FieldDefinition(
                name: name, type: type, values: values, required: false, defaultValue: nil, label: nil, description: nil,
                minimum: minimum, maximum: maximum, maxLength: maxLength, pattern: nil, validate: nil, compute: nil,
                ranks: [], shareRanks: [], stats: [], frequencies: [])
            switch text.map({ probe.parse($0) }) {
            case .success(let parsed)?: defaultValue = parsed
            case .failure(let problem)?: report(path + ["default"], problem.reason)
            default: report(path + ["default"], "expected a \(type.rawValue) value")
            }
        }
        let population = self.population(fields, at: path)
        if compute == nil && (fields["rank"] != nil || fields["stats"] != nil || fields["frequencies"] != nil) {
            report(path, "rank, stats and frequencies are only for computed fields")
        }
        var definition = FieldDefinition(
            name: name, type: type, values: values, required: required, defaultValue: defaultValue,
            label: optionalString(fields["label"], at: path + ["label"]),
            description: optionalString(fields["description"], at: path + ["description"]),
            minimum: minimum, maximum: maximum, maxLength: maxLength, pattern: pattern, validate: validate, compute: compute,
            ranks: population.ranks, shareRanks: population.shares, stats: population.stats, frequencies: population.frequencies)
        switch fields["personal"] {
        case nil, .boolean(false)?: break
        case .boolean(true)?: definition.personal = true
        default: report(path + ["personal"], "expected true or false")
        }
        return definition
    }

    private mutating func population(
        _ fields: [LuaValue: LuaValue], at path: [String]
    ) -> (ranks: [RankSpec], shares: [ShareRankSpec], stats: [String], frequencies: [FrequencySpec]) {
        var ranks: [RankSpec] = []
        var shareRanks: [ShareRankSpec] = []
        if let rankValue = fields["rank"], let rankTable = table(rankValue, at: path + ["rank"], expected: "expected a table of ranks") {
            for (key, spec) in rankTable.sorted(by: { "\($0.key)" < "\($1.key)" }) {
                guard case .string(let rankName) = key else {
                    report(path + ["rank"], "keys must be rank names (strings)")
                    continue
                }
                rank(rankName, spec, at: path + ["rank", rankName], into: &ranks, shares: &shareRanks)
            }
        }
        let stats = stringList(fields["stats"], at: path + ["stats"]) ?? []
        for (index, field) in stats.enumerated() where !profileFields.contains(field) {
            report(path + ["stats", "[\(index + 1)]"], "'\(field)' is not a profile field")
        }
        let frequencies = frequencySpecs(fields["frequencies"], at: path + ["frequencies"], ranks: Set(ranks.map(\.name)))
        return (ranks, shareRanks, stats, frequencies)
    }

    private mutating func rank(
        _ name: String, _ value: LuaValue, at path: [String], into ranks: inout [RankSpec], shares: inout [ShareRankSpec]
    ) {
        if !isIdentifier(name) { report(path, "a rank name is lower case letters, digits and _") }
        if profileFields.contains(name) { report(path, "'\(name)' is already a profile field; choose another rank name") }
        var spec = RankSpec(name: name, field: "")
        var share = false
        switch value {
        case .string(let field):
            spec.field = field
        case .table(let fields):
            checkKeys(fields, allowed: Self.rankKeys, at: path, what: "a rank")
            spec.field = requiredString(fields["by"], at: path + ["by"]) ?? ""
            switch fields["order"] {
            case nil, .string("asc")?: spec.descending = false
            case .string("desc")?: spec.descending = true
            default: report(path + ["order"], "expected \"asc\" or \"desc\"")
            }
            switch fields["tiles"] {
            case nil: break
            case .integer(let tiles)? where tiles >= 1 && tiles <= 1000: spec.tiles = Int(tiles)
            default: report(path + ["tiles"], "expected a whole number from 1 to 1000")
            }
            switch fields["among"] {
            case nil: break
            case .string(let among)?:
                if let population = Population(rawValue: among) {
                    spec.among = population
                } else {
                    report(path + ["among"], "expected \"buyers\", \"prospects\" or \"all\"")
                }
            default: report(path + ["among"], "expected \"buyers\", \"prospects\" or \"all\"")
            }
            switch fields["share"] {
            case nil, .boolean(false)?: share = false
            case .boolean(true)?: share = true
            default: report(path + ["share"], "expected true or false")
            }
        default:
            report(path, "expected a profile field name or a table { by = ..., order = ... }")
            return
        }
        if !spec.field.isEmpty, !profileFields.contains(spec.field) {
            report(path + (value.stringValue == nil ? ["by"] : []), "'\(spec.field)' is not a profile field")
        }
        if share {
            shares.append(ShareRankSpec(name: name, field: spec.field, descending: spec.descending, among: spec.among))
        } else {
            ranks.append(spec)
        }
    }

    private mutating func frequencySpecs(_ value: LuaValue?, at path: [String], ranks: Set<String>) -> [FrequencySpec] {
        guard let value, let groups = table(value, at: path, expected: "expected a table of groups") else { return [] }
        var specs: [FrequencySpec] = []
        for (key, group) in groups.sorted(by: { "\($0.key)" < "\($1.key)" }) {
            guard case .string(let name) = key, let fields = table(group, at: path + ["\(key)"], expected: "expected { where = ..., fields = ... }")
            else { continue }
            let groupPath = path + [name]
            checkKeys(fields, allowed: ["where", "fields"], at: groupPath, what: "a frequency group")
            var rank = ""
            var atLeast = 1
            if let whereValue = fields["where"], let condition = table(whereValue, at: groupPath + ["where"], expected: "expected { rank = ..., at_least = ... }") {
                checkKeys(condition, allowed: ["rank", "at_least"], at: groupPath + ["where"], what: "a group condition")
                rank = requiredString(condition["rank"], at: groupPath + ["where", "rank"]) ?? ""
                if !rank.isEmpty, !ranks.contains(rank) {
                    report(groupPath + ["where", "rank"], "'\(rank)' is not a tile rank of this segmentation")
                }
                if case .integer(let value)? = condition["at_least"] { atLeast = Int(value) } else {
                    report(groupPath + ["where", "at_least"], "expected a whole number")
                }
            } else {
                report(groupPath, "missing 'where'")
            }
            let names = stringList(fields["fields"], at: groupPath + ["fields"]) ?? []
            for (index, field) in names.enumerated() where !profileFields.contains(field) {
                report(groupPath + ["fields", "[\(index + 1)]"], "'\(field)' is not a profile field")
            }
            specs.append(FrequencySpec(name: name, rank: rank, atLeast: atLeast, fields: names))
        }
        return specs
    }

    private mutating func exampleList(_ value: LuaValue?, at path: [String], segments: [String]) -> [SegmentationExample] {
        var examples: [SegmentationExample] = []
        for item in exampleTables(value, at: path, allowed: ["customer", "params", "segment"]) {
            guard let segment = requiredString(item.fields["segment"], at: item.path + ["segment"]) else { continue }
            if !segments.isEmpty, !segments.contains(segment) {
                report(item.path + ["segment"], "\"\(segment)\" is not one of the declared segments")
            }
            examples.append(SegmentationExample(customer: item.customer, params: item.params, segment: segment))
        }
        return examples
    }

    /// The items of an `examples` list with their customer and params tables.
    private mutating func exampleTables(
        _ value: LuaValue?, at path: [String], allowed: [String]
    ) -> [(path: [String], fields: [LuaValue: LuaValue], customer: [String: LuaValue], params: [String: LuaValue])] {
        guard let value, let items = array(value, at: path) else { return [] }
        var result: [(path: [String], fields: [LuaValue: LuaValue], customer: [String: LuaValue], params: [String: LuaValue])] = []
        for (index, item) in items.enumerated() {
            let itemPath = path + ["[\(index + 1)]"]
            guard let fields = table(item, at: itemPath, expected: "expected { customer = {...}, ... }") else { continue }
            checkKeys(fields, allowed: allowed, at: itemPath, what: "an example")
            var customer: [String: LuaValue] = [:]
            if let value = fields["customer"], let table = table(value, at: itemPath + ["customer"], expected: "expected a table of profile fields") {
                for case (.string(let key), let value) in table { customer[key] = value }
            }
            var params: [String: LuaValue] = [:]
            if let value = fields["params"], let table = table(value, at: itemPath + ["params"], expected: "expected a table") {
                for case (.string(let key), let value) in table { params[key] = value }
            }
            result.append((itemPath, fields, customer, params))
        }
        return result
    }

    private mutating func parameters(_ value: LuaValue?, at path: [String]) -> [(key: String, value: ParameterValue)]? {
        guard let value else { return [] }
        guard let fields = table(value, at: path, expected: "expected a table of name = default value") else { return nil }
        var result: [(key: String, value: ParameterValue)] = []
        for (key, item) in fields {
            guard case .string(let name) = key else {
                report(path, "parameter names must be strings")
                continue
            }
            switch item {
            case .integer(let number): result.append((name, .number(Double(number))))
            case .number(let number): result.append((name, .number(number)))
            case .string(let text): result.append((name, .text(text)))
            case .boolean(let flag): result.append((name, .boolean(flag)))
            case .table(let spec):
                if let typed = typedParameter(spec, at: path + [name]) { result.append((name, typed)) }
            default: report(path + [name], "a parameter is a number, a string, a boolean or { default = ..., type = \"integer\" }")
            }
        }
        return result.sorted { $0.key < $1.key }
    }

    /// `{ default = 5, type = "integer" }`: a parameter whose type is declared, not inferred.
    private mutating func typedParameter(_ spec: [LuaValue: LuaValue], at path: [String]) -> ParameterValue? {
        checkKeys(spec, allowed: ["default", "type", "description"], at: path, what: "a parameter")
        let type = spec["type"]?.stringValue ?? "number"
        switch (type, spec["default"]) {
        case ("integer", .integer(let value)?): return .integer(value)
        case ("number", .integer(let value)?): return .number(Double(value))
        case ("number", .number(let value)?): return .number(value)
        case ("string", .string(let value)?): return .text(value)
        case ("boolean", .boolean(let value)?): return .boolean(value)
        case ("integer", _), ("number", _), ("string", _), ("boolean", _):
            report(path + ["default"], "expected a default of type \(type)")
        default:
            report(path + ["type"], "expected \"integer\", \"number\", \"string\" or \"boolean\"")
        }
        return nil
    }

    // MARK: Primitives

    mutating func report(_ path: [String], _ message: String) {
        problems.append((path, message))
    }

    mutating func table(_ value: LuaValue, at path: [String], expected: String) -> [LuaValue: LuaValue]? {
        if case .table(let fields) = value { return fields }
        report(path, "\(expected), got \(Self.typeName(value))")
        return nil
    }

    mutating func array(_ value: LuaValue, at path: [String]) -> [LuaValue]? {
        guard let fields = table(value, at: path, expected: "expected a list") else { return nil }
        guard let items = value.arrayValues, items.count == fields.count else {
            report(path, "expected a list { ..., ... } without named keys or gaps")
            return nil
        }
        return items
    }

    mutating func checkKeys(_ fields: [LuaValue: LuaValue], allowed: [String], at path: [String], what: String) {
        for key in fields.keys {
            guard case .string(let name) = key else {
                report(path, "unexpected key \(key) in \(what)")
                continue
            }
            if !allowed.contains(name) {
                report(path + [name], "unknown key in \(what) (allowed: \(allowed.joined(separator: ", ")))")
            }
        }
    }

    mutating func requiredString(_ value: LuaValue?, at path: [String]) -> String? {
        guard let value else {
            report(path, "missing; expected a string")
            return nil
        }
        guard case .string(let text) = value, !text.isEmpty else {
            report(path, "expected a non-empty string, got \(value == .string("") ? "an empty one" : Self.typeName(value))")
            return nil
        }
        return text
    }

    mutating func optionalString(_ value: LuaValue?, at path: [String]) -> String? {
        guard let value else { return nil }
        return requiredString(value, at: path)
    }

    private mutating func identifier(_ value: LuaValue?, at path: [String]) -> String? {
        guard let text = requiredString(value, at: path) else { return nil }
        guard isIdentifier(text) else {
            report(path, "\"\(text)\" is not a plugin name: use lower case letters, digits and _ (e.g. \"vip\")")
            return nil
        }
        return text
    }

    mutating func stringList(_ value: LuaValue?, at path: [String]) -> [String]? {
        guard let value else { return nil }
        guard let items = array(value, at: path) else { return nil }
        var strings: [String] = []
        for (index, item) in items.enumerated() {
            if case .string(let text) = item, !text.isEmpty {
                strings.append(text)
            } else if case .string = item {
                report(path + ["[\(index + 1)]"], "expected a non-empty string, got an empty one")
            } else {
                report(path + ["[\(index + 1)]"], "expected a string, got \(Self.typeName(item))")
            }
        }
        return strings
    }

    /// A list of distinct names: a segmentation's segments, or an enum field's values (`isEnum`).
    mutating func segmentList(_ value: LuaValue?, at path: [String], isEnum: Bool = false) -> [String]? {
        guard let value else {
            report(path, isEnum ? "missing: list the values the field may take" : "missing: list every segment classify may return")
            return nil
        }
        guard let segments = stringList(value, at: path) else { return nil }
        if segments.isEmpty { report(path, isEnum ? "declare at least one value" : "declare at least one segment") }
        var seen: Set<String> = []
        for (index, segment) in segments.enumerated() where !seen.insert(segment).inserted {
            report(path + ["[\(index + 1)]"], "\"\(segment)\" is declared twice")
        }
        return segments
    }

    func isIdentifier(_ text: String) -> Bool { Self.isIdentifier(text) }

    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.utf8.first, (97...122).contains(first) else { return false }
        return text.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 95 }
    }

    static func typeName(_ value: LuaValue) -> String {
        switch value {
        case .nil: return "nil"
        case .boolean: return "a boolean"
        case .integer, .number: return "a number"
        case .string: return "a string"
        case .table: return "a table"
        case .function: return "a function"
        }
    }

    /// `segmentations.vip.segments[3]` from path components.
    static func render(_ path: [String]) -> String {
        var text = ""
        for component in path {
            if component.hasPrefix("[") {
                text += component
            } else {
                text += text.isEmpty ? component : "." + component
            }
        }
        return text
    }
}
