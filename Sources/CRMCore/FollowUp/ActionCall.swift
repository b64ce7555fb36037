import LuaBridge

/// The Lua side of firing an action for a batch of customers, all on the plugin's Lua thread:
/// fills `c` and `event` (`ActionCustomer`'s reused tables), asks `when`, decides the holdout,
/// calls `run` and reads its effects. Nothing here touches the database.
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

    let action: FollowUpRun.Action
    let profiles: ProfileTable
    let customer: ActionCustomer
    let asOf: Timestamp
    private let segmentTables = SegmentTables()

    init(action: FollowUpRun.Action, profiles: ProfileTable, customer: ActionCustomer, asOf: Timestamp) {
        self.action = action
        self.profiles = profiles
        self.customer = customer
        self.asOf = asOf
        // What every event of the action shares; `fillEvent` sets the rest per firing.
        let trigger = action.definition.trigger
        customer.event.set(0, trigger.kind.rawValue)
        customer.event.set(1, trigger.segmentation)
        customer.event.set(2, asOf.iso8601)
    }

    /// The verdicts on `candidates`, in order. Everything runs on the plugin's Lua thread (the
    /// profile field source included), so evaluations started from several threads take turns.
    func evaluate(_ candidates: [Candidate]) -> [Verdict] {
        let source = action.plugin.profileFieldSource
        return action.plugin.state.perform { _ in
            source.serving(profiles, fields: customer.fields) { candidates.map { verdict($0, source: source) } }
        }
    }

    /// `evaluate` started on another thread; `wait()` gives its verdicts.
    func start(_ candidates: [Candidate]) -> Background<[Verdict]> {
        Background { evaluate(candidates) }
    }

    private func verdict(_ candidate: Candidate, source: ProfileFieldSource) -> Verdict {
        if let skip = candidate.skip { return .skipped(skip, recorded: true) }
        guard let row = candidate.row else { return .skipped(nil, recorded: true) }
        let definition = action.definition
        source.customer = row
        source.extras = { name in extra(name, of: candidate) }
        customer.fill(profiles, row: row)
        fillEvent(customer.event, candidate.event)
        do {
            if let condition = customer.condition, let plain = definition.condition {
                let answer = try call(condition, else: plain, row: row, candidate: candidate)
                guard case .boolean(let met) = answer else {
                    return .failed(line: nil, message: "when must return true or false, got \(PluginSchema.typeName(answer))")
                }
                // A stay whose condition does not hold is looked at again by the next run.
                if !met { return .skipped("condition not met", recorded: definition.trigger.kind != .stay) }
            }
            if Holdout.isHeldOut(action: definition.name, customerID: candidate.customerID, share: definition.holdout) { return .heldOut }
            let results = try call(customer.run, else: definition.run, row: row, candidate: candidate)
            let effects = try Effect.list(from: results, today: profiles.asOfDate)
            try EffectWriter.checkPermissions(effects, of: action.plugin.definition)
            return .apply(effects)
        } catch let error as LuaError {
            return .failed(line: error.line, message: error.message)
        } catch let error as EffectError {
            return .failed(line: nil, message: error.message)
        } catch {
            return .failed(line: nil, message: "\(error)")
        }
    }

    /// Calls `wrapped` with the filled tables: `run(c, p, event)` or `when(c, p, event)`.
    /// When what it returned holds `c` itself (a table with the lazy lookup's metatable, which
    /// the bridge does not read), calls the plugin's own function again with the whole profile
    /// in `c`, as it was called before `c` became lazy.
    private func call(_ wrapped: LuaFunctionRef, else plain: LuaFunctionRef, row: Int, candidate: Candidate) throws(LuaError) -> LuaValue {
        let state = action.plugin.state
        do {
            return try state.firstResult(of: wrapped, record: customer.record, context: customer.event)
        } catch where error.kind == .badReturn && error.message.contains("metatables") {
            var whole = customer.wholeTable(profiles, row: row)
            for name in ActionCustomer.extraNames { whole[.string(name)] = extra(name, of: candidate) }
            return try state.call(plain, [.table(whole), action.params, eventTable(candidate.event)]).first ?? .nil
        }
    }

    /// `c.segments` (segment per segmentation as stored now) and `c.tags`, when the action reads them.
    private func extra(_ name: String, of candidate: Candidate) -> LuaValue? {
        switch name {
        case "segments":
            return candidate.row.map { segmentTables.table(of: candidate.segments, row: $0) }
        case "tags":
            return .table(Dictionary(uniqueKeysWithValues: candidate.tags.map { (LuaValue.string($0), LuaValue.boolean(true)) }))
        default:
            return nil
        }
    }

    /// `event` of one firing, for the rare call that returns `c` itself.
    private func eventTable(_ event: FollowUpEvent) -> LuaValue {
        let trigger = action.definition.trigger
        var table: [LuaValue: LuaValue] = [
            "kind": .string(trigger.kind.rawValue), "segmentation": .string(trigger.segmentation), "as_of": .string(asOf.iso8601),
        ]
        if let from = event.from { table["from"] = .string(from) }
        if let to = event.to { table["to"] = .string(to) }
        if let segment = segment(of: event) { table["segment"] = .string(segment) }
        if let days = days(of: event) { table["days"] = .integer(days) }
        return .table(table)
    }

    /// Sets the fields of `event` (`ActionCustomer.eventFields`) that differ between firings;
    /// `init` set kind, segmentation and as_of.
    private func fillEvent(_ record: LuaRecord, _ event: FollowUpEvent) {
        record.set(3, event.from)
        record.set(4, event.to)
        record.set(5, segment(of: event))
        if let days = days(of: event) { record.set(6, days) } else { record.set(6, nil as String?) }
    }

    /// `event.segment`: the segment left for a leave, else the one entered.
    private func segment(of event: FollowUpEvent) -> String? {
        action.definition.trigger.kind == .leave ? event.from : event.to
    }

    /// `event.days`: for a stay, the days since the customer entered.
    private func days(of event: FollowUpEvent) -> Int64? {
        guard action.definition.trigger.kind == .stay, let since = event.since else { return nil }
        return Int64(profiles.dayCounter.days(from: since, to: asOf))
    }
}
