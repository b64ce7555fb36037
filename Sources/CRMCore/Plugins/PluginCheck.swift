import LuaBridge

/// What `crm plugin check FILE` found: the plugin loads and validates, its examples give the
/// segments they promise, and every declared segment can be returned.
public struct PluginCheck {
    public struct ExampleResult: Sendable {
        /// The segmentation or score the example belongs to.
        public let segmentation: String
        public let number: Int
        public let expected: String
        /// The segment classify returned, or nil when it failed.
        public let actual: String?
        public let reason: String?
        public let error: String?
        public var passed: Bool { actual == expected && error == nil }
    }

    public let plugin: LoadedPlugin
    public let examples: [ExampleResult]
    public let warnings: [String]

    public var passed: Bool { examples.allSatisfy(\.passed) }

    /// The customer an example starts from, as Lua sees it: a blank profile (0 counts, nil
    /// elsewhere) with the plugin's custom fields at their defaults.
    static func blankCustomer(of plugin: LoadedPlugin) -> [LuaValue: LuaValue] {
        let profile = plugin.definition.profile
        let blank = ProfileBuilder.blank(shape: ProfileShape(declarations: [profile]))
        var base: [LuaValue: LuaValue] = [:]
        for field in ProfileField.all(for: blank, seenBy: profile) {
            let value = field.read(blank, 0).luaValue
            if value != .nil { base[.string(field.name)] = value }
        }
        for field in plugin.definition.fields {
            if let value = field.defaultValue?.profileValue.luaValue { base[.string(field.name)] = value }
        }
        return base
    }

    /// Runs the plugin's own examples on profiles that start blank (0 counts, nil elsewhere).
    public static func run(_ plugin: LoadedPlugin) -> PluginCheck {
        let base = blankCustomer(of: plugin)
        var results: [ExampleResult] = []
        for segmentation in plugin.definition.segmentations {
            for (index, example) in segmentation.examples.enumerated() {
                var customer = base
                for (key, value) in example.customer { customer[.string(key)] = value }
                let params = PopulationInputs.exampleParams(segmentation, plugin: plugin, params: example.params)
                do {
                    let answer = try plugin.state.call(segmentation.classify, [.table(customer), params])
                    var reason = answer.dropFirst().first?.stringValue
                    if reason == nil, let explain = segmentation.explain, let segment = answer.first {
                        reason = try plugin.state.call(explain, [.table(customer), params, segment]).first?.stringValue
                    }
                    results.append(ExampleResult(
                        segmentation: segmentation.name, number: index + 1, expected: example.segment,
                        actual: answer.first?.stringValue, reason: reason, error: nil))
                } catch {
                    results.append(ExampleResult(
                        segmentation: segmentation.name, number: index + 1, expected: example.segment, actual: nil, reason: nil,
                        error: error.description))
                }
            }
        }
        for score in plugin.definition.scores {
            for (index, example) in score.examples.enumerated() {
                var customer = base
                for (key, value) in example.customer { customer[.string(key)] = value }
                let params = PopulationInputs.exampleParams(score, plugin: plugin, params: example.params)
                let expected = String(example.score)
                do {
                    let answer = try plugin.state.call(score.compute, [.table(customer), params])
                    let value = answer.first?.doubleValue
                    let matches = value.map { abs($0 - example.score) <= 1e-9 * max(1, abs(example.score)) } ?? false
                    results.append(ExampleResult(
                        segmentation: score.name, number: index + 1, expected: expected,
                        actual: matches ? expected : value.map { String($0) } ?? "a non-number",
                        reason: answer.dropFirst().first?.stringValue, error: nil))
                } catch {
                    results.append(ExampleResult(
                        segmentation: score.name, number: index + 1, expected: expected, actual: nil, reason: nil,
                        error: error.description))
                }
            }
        }
        var warnings = plugin.unreachableSegments().map {
            "segmentations.\($0.segmentation): segment \"\($0.segment)\" is declared but no rule returns it"
        }
        for segmentation in plugin.definition.segmentations where segmentation.examples.isEmpty {
            warnings.append("segmentations.\(segmentation.name): no examples; add some so `crm plugin check` can test the rules")
        }
        return PluginCheck(plugin: plugin, examples: results, warnings: warnings)
    }
}
