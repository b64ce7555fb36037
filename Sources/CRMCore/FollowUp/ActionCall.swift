import LuaBridge

/// The Lua side of firing an action for a batch of customers, on the plugin's Lua thread or,
/// for a large run, on the threads of the plugin and its twin (`LoadedPlugin.twin`), each
/// taking a consecutive part of the batch (an action depends on `c`, `p` and `event` only, as
/// `classify` does, so the verdicts are the ones one state gives): builds `c` and `event`,
/// asks `when`, decides the holdout, calls `run` and reads its effects. Nothing here touches
/// the database.
struct ActionCall {
    /// One event with what the database said about it.
    struct Candidate {
        var event: FollowUpEvent
        var customerID: String
        /// The profile row; nil when the customer was not in this run's profiles.
        var row: Int?
        /// Everyone's current segments, read once per run; this customer's are at `row`.
        var segments: CurrentSegments
        var tags: [String]
        /// Why it does not fire at all (the re-entry rule, no profile).
        var skip: String?
    }

    /// What to record for one candidate.
    enum Verdict {
        /// `recorded` is false for a stay whose condition does not hold yet: later runs look again.
        case skipped(String?, recorded: Bool)
        case heldOut
        /// The line of the failure when Lua knows it, and what went wrong.
        case failed(line: Int?, message: String)
        case apply([Effect])
    }

    /// A Lua state the action runs in: the plugin's own or its twin, with the action's
    /// functions as that state holds them.
    struct Lane {
        let plugin: LoadedPlugin
        let definition: ActionDefinition
        let customer: ActionCustomer

        /// The action `name` of `plugin` (or of its twin), with `c` built from `fields`.
        init(_ plugin: LoadedPlugin, action name: String, fields: [ProfileField]) throws(LuaError) {
            guard let definition = plugin.definition.actions.first(where: { $0.name == name }) else {
                throw LuaError(kind: .runtime, plugin: plugin.name, message: "action '\(name)' missing from a second state of the plugin")
            }
            self.plugin = plugin
            self.definition = definition
            customer = try ActionCustomer(plugin: plugin, run: definition.run, condition: definition.condition, fields: fields)
        }
    }

    let action: FollowUpRun.Action
    let profiles: ProfileTable
    /// The states that evaluate a batch, each a consecutive part of it.
    let lanes: [Lane]
    let asOf: Timestamp
    /// `event.as_of`, formatted once.
    private let asOfText: LuaValue

    init(action: FollowUpRun.Action, profiles: ProfileTable, lanes: [Lane], asOf: Timestamp) {
        precondition(!lanes.isEmpty, "an action runs in at least one Lua state")
        self.action = action
        self.profiles = profiles
        self.lanes = lanes
        self.asOf = asOf
        asOfText = .string(asOf.iso8601)
    }

    /// The verdicts on `candidates`, in order: each lane's consecutive part on its state's
    /// thread, at the same time. Everything runs on the Lua threads (the profile field source
    /// included), so evaluations started from several threads take turns.
    func evaluate(_ candidates: [Candidate]) -> [Verdict] {
        let used = max(1, min(lanes.count, candidates.count))
        let parts = (0..<used).map { part in Part(candidates.count * part / used..<candidates.count * (part + 1) / used) }
        inParallel(used) { index in
            let lane = lanes[index], part = parts[index]
            let source = lane.plugin.profileFieldSource
            part.verdicts = lane.plugin.state.perform { _ in
                source.serving(profiles, fields: lane.customer.fields) { candidates[part.range].map { verdict($0, in: lane, source: source) } }
            }
        }
        return parts.flatMap(\.verdicts)
    }

    /// One lane's share of a batch; only its own thread writes it until all have finished.
    private final class Part: @unchecked Sendable {
        let range: Range<Int>
        var verdicts: [Verdict] = []
        init(_ range: Range<Int>) { self.range = range }
    }

    /// `evaluate` started on another thread; `wait()` gives its verdicts.
    func start(_ candidates: [Candidate]) -> Background<[Verdict]> {
        Background { evaluate(candidates) }
    }

    private func verdict(_ candidate: Candidate, in lane: Lane, source: ProfileFieldSource) -> Verdict {
        if let skip = candidate.skip { return .skipped(skip, recorded: true) }
        guard let row = candidate.row else { return .skipped(nil, recorded: true) }
        let definition = lane.definition
        source.customer = row
        source.extras = { name in Self.extra(name, of: candidate) }
        let customer = lane.customer.table(profiles, row: row)
        let event = eventTable(candidate.event)
        do {
            if let condition = lane.customer.condition, let plain = definition.condition {
                let answer = try call(condition, else: plain, in: lane, customer, row: row, candidate: candidate, event: event).first ?? .nil
                guard case .boolean(let met) = answer else {
                    return .failed(line: nil, message: "when must return true or false, got \(PluginSchema.typeName(answer))")
                }
                // A stay whose condition does not hold is looked at again by the next run.
                if !met { return .skipped("condition not met", recorded: definition.trigger.kind != .stay) }
            }
            if Holdout.isHeldOut(action: definition.name, customerID: candidate.customerID, share: definition.holdout) { return .heldOut }
            let results = try call(lane.customer.run, else: definition.run, in: lane, customer, row: row, candidate: candidate, event: event)
            let effects = try Effect.list(from: results.first, today: profiles.asOfDate)
            try EffectWriter.checkPermissions(effects, of: lane.plugin.definition)
            return .apply(effects)
        } catch let error as LuaError {
            return .failed(line: error.line, message: error.message)
        } catch let error as EffectError {
            return .failed(line: nil, message: error.message)
        } catch {
            return .failed(line: nil, message: "\(error)")
        }
    }

    /// Calls `wrapped(c, p, event)`. When what it returned holds `c` itself (a table with the lazy
    /// lookup's metatable, which the bridge does not read), calls the plugin's own function
    /// again with the whole profile in `c`, as it was called before `c` became lazy.
    private func call(
        _ wrapped: LuaFunctionRef, else plain: LuaFunctionRef, in lane: Lane, _ customer: LuaValue, row: Int, candidate: Candidate,
        event: LuaValue
    ) throws(LuaError) -> [LuaValue] {
        let state = lane.plugin.state
        do {
            return try state.call(wrapped, [customer, action.params, event])
        } catch where error.kind == .badReturn && error.message.contains("metatables") {
            var whole = lane.customer.wholeTable(profiles, row: row)
            for name in ActionCustomer.extraNames { whole[.string(name)] = Self.extra(name, of: candidate) }
            return try state.call(plain, [.table(whole), action.params, event])
        }
    }

    /// `c.segments` (segment per segmentation as stored now) and `c.tags`, when the action reads them.
    private static func extra(_ name: String, of candidate: Candidate) -> LuaValue? {
        switch name {
        case "segments":
            return candidate.row.map(candidate.segments.table(row:))
        case "tags":
            return .table(Dictionary(uniqueKeysWithValues: candidate.tags.map { (LuaValue.string($0), LuaValue.boolean(true)) }))
        default:
            return nil
        }
    }

    private func eventTable(_ event: FollowUpEvent) -> LuaValue {
        let trigger = action.definition.trigger
        var table: [LuaValue: LuaValue] = [
            "kind": .string(trigger.kind.rawValue), "segmentation": .string(trigger.segmentation), "as_of": asOfText,
        ]
        if let from = event.from { table["from"] = .string(from) }
        if let to = event.to { table["to"] = .string(to) }
        let segment = trigger.kind == .leave ? event.from : event.to
        if let segment { table["segment"] = .string(segment) }
        if let since = event.since, trigger.kind == .stay { table["days"] = .integer(Int64(profiles.dayCounter.days(from: since, to: asOf))) }
        return .table(table)
    }
}
