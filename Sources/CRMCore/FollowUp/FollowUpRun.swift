import GRDB
import LuaBridge

/// Fires the follow-up actions after a segment run, in one write transaction: the transitions
/// each action has not consumed yet (its durable cursor in `action_cursors`), the stays that
/// reached their days, and the failures of earlier runs. Each (action, customer, transition) is
/// recorded in `follow_ups` with its effects and the cursor moves in the same transaction, so
/// whatever happens to the process, every task, tag and message exists exactly once; changes a
/// killed run committed are picked up by the next one. Running after all segmentations lets a
/// condition combine this run's segments of several segmentations.
struct FollowUpRun {
    struct Action {
        let plugin: LoadedPlugin
        let definition: ActionDefinition
        /// The `p` table: the plugin's parameters with this database's overrides, and the as-of.
        let params: LuaValue
        /// Where the action is declared, for errors about what it returned.
        let line: Int?
    }

    let actions: [Action]
    let profiles: ProfileTable
    let writer: EffectWriter
    /// Every loaded segmentation, for `c.segments`.
    let segmentations: [String]

    let database: CRMDatabase

    init(segmentations: Set<String>, catalog: PluginCatalog, profiles: ProfileTable, database: CRMDatabase) throws {
        self.database = database
        actions = try catalog.actions.filter { segmentations.contains($0.action.trigger.segmentation) }.map { plugin, action in
            var params = try PluginParameters.resolve(plugin, in: database).luaFields
            params["as_of"] = .string(profiles.asOf.iso8601)
            params["as_of_date"] = .string(profiles.asOfDate.iso8601)
            return Action(
                plugin: plugin, definition: action, params: .table(params),
                line: SourceLocator(source: plugin.source).line(of: ["actions", action.name]))
        }
        self.profiles = profiles
        writer = EffectWriter(fields: catalog.fields)
        self.segmentations = catalog.segmentations.map(\.segmentation.name)
    }

    var isEmpty: Bool { actions.isEmpty }

    /// Starts the cursors of actions seen for the first time (before the segmentations write).
    func startCursors() throws {
        try database.write { db in try FollowUpStore.startCursors(db, actions: actions.map(\.definition.name)) }
    }

    /// Fires every action, recorded as one run; a dry run writes nothing and takes its
    /// changes from `wouldMove` (by segmentation) instead of the stored transitions.
    func fire(dryRun: Bool, wouldMove: [String: [FollowUpEvent]]) throws -> FollowUpSummary {
        if dryRun { return try database.read { db in try fire(db, runID: nil, wouldMove: wouldMove) } }
        let start = ContinuousClock.now
        return try database.write(trustingCustomersSince: profiles.customerStamp) { db in
            let id = try RunLog.begin(db, kind: .followUps, subject: "actions", asOf: profiles.asOf, startedAt: Timestamp.now())
            let summary = try fire(db, runID: id, wouldMove: [:])
            try RunLog.finish(
                db,
                run: Run(
                    id: id, kind: .followUps, subject: "actions", asOf: profiles.asOf, startedAt: Timestamp.now(),
                    durationMS: (ContinuousClock.now - start).wholeMilliseconds, outcome: summary.count(.failed) > 0 ? .partial : .succeeded,
                    rowsRead: summary.firings.count, inserted: summary.count(.applied), updated: 0, rejected: summary.count(.failed),
                    error: summary.firings.first { $0.outcome == .failed }?.detail))
            return summary
        }
    }

    private func fire(_ db: Database, runID: Int64?, wouldMove: [String: [FollowUpEvent]]) throws -> FollowUpSummary {
        var summary = FollowUpSummary()
        let asOf = profiles.asOf
        let days = profiles.dayCounter
        let writes = try runID.map { _ in try FollowUpWrites(db) }
        // A run reads on the reader connections what it can while it writes; a dry run reads here.
        let reads = try runID.map { _ in
            try FollowUpReads(db, database: database, actions: actions, segmentations: segmentations, profiles: profiles)
        }
        let everyone = CurrentSegments.Once(prefetched: reads?.segments)
        for (index, action) in actions.enumerated() {
            let trigger = action.definition.trigger
            let customer = try ActionCustomer(
                plugin: action.plugin, run: action.definition.run, condition: action.definition.condition,
                fields: ProfileField.all(for: profiles, seenBy: action.plugin.definition.profile), params: action.params)
            let set = Set(trigger.segments)
            // The store reads only the transitions into (enter) or out of (leave) the trigger's segments.
            let transitions = try reads?.transitions(of: index) ?? wouldMove[trigger.segmentation] ?? []
            var events: [FollowUpEvent]
            switch trigger.kind {
            case .enter: events = transitions.filter { event in event.to.map(set.contains) == true && !(event.from.map(set.contains) ?? false) }
            case .leave: events = transitions.filter { event in event.from.map(set.contains) == true && !(event.to.map(set.contains) ?? false) }
            case .stay:
                events = try FollowUpStore.stays(
                    db, action: action.definition.name, segmentation: trigger.segmentation, segments: trigger.segments,
                    enteredBefore: days.start(ofDay: days.day(of: asOf) - trigger.days + 1))
            }
            events += try FollowUpStore.failed(db, action: action.definition.name)
            if runID != nil { try FollowUpStore.advanceCursor(db, action: action.definition.name) }
            var failures: [String] = []
            let call = ActionCall(action: action, profiles: profiles, customer: customer, asOf: asOf)
            let batches = Self.batches(of: events)
            summary.firings.reserveCapacity(summary.firings.count + events.count)
            // Lua decides on the next batch while this one is written (both cores), unless the two
            // share a customer: then the next one's re-entry rule and tags must see this one's writes.
            var ahead: (candidates: [ActionCall.Candidate], verdicts: Background<[ActionCall.Verdict]>)?
            defer { _ = ahead?.verdicts.wait() }
            for (index, range) in batches.enumerated() {
                let batch = events[range]
                let current = try ahead ?? {
                    let candidates = try candidates(action, batch, db: db, asOf: asOf, everyone: everyone)
                    return (candidates, call.start(candidates))
                }()
                ahead = nil
                if index + 1 < batches.count, Set(batch.map(\.customerPK)).isDisjoint(with: events[batches[index + 1]].map(\.customerPK)) {
                    let next = try candidates(action, events[batches[index + 1]], db: db, asOf: asOf, everyone: everyone)
                    ahead = (next, call.start(next))
                }
                for (candidate, verdict) in zip(current.candidates, current.verdicts.wait()) {
                    let firing = try settle(action, candidate, verdict, db: db, runID: runID, writes: writes, asOf: asOf)
                    if firing.outcome == .failed, let detail = firing.detail { failures.append(detail) }
                    summary.firings.append(firing)
                }
                // The next batch's re-entry rule and tags read what this one wrote.
                try writes?.flush()
            }
            if runID != nil, let first = failures.first {
                try RunLog.recordFailure(
                    db,
                    run: Run(
                        id: 0, kind: .followUp, subject: action.definition.name, asOf: asOf, startedAt: Timestamp.now(), durationMS: 0,
                        outcome: .failed, rowsRead: events.count, inserted: 0, updated: 0, rejected: failures.count,
                        error: first + (failures.count > 1 ? " (and \(failures.count - 1) more; all are retried by the next run)" : "")),
                    plugin: PluginIdentity(name: action.plugin.name, version: action.plugin.version, hash: action.plugin.hash))
            }
        }
        return summary
    }

    static let batchSize = 512

    /// `events` in batches of at most `batchSize`, in order, as ranges of `events` (a run of all
    /// segmentations at L has actions with 300k events: no second copy of them); a batch ends
    /// before a customer it already holds, so the re-entry rule of an event sees the firings of
    /// the batch before.
    static func batches(of events: [FollowUpEvent]) -> [Range<Int>] {
        var batches: [Range<Int>] = []
        var next = 0
        while next < events.count {
            let start = next
            var customers: Set<Int64> = []
            while next < events.count, next - start < batchSize, customers.insert(events[next].customerPK).inserted {
                next += 1
            }
            batches.append(start..<next)
        }
        return batches
    }

    /// What the database says about a batch of events before Lua is asked: who, their tags
    /// (read for the whole batch at once), everyone's segments (read once per run), and whether
    /// the re-entry rule already stops one.
    private func candidates(
        _ action: Action, _ events: ArraySlice<FollowUpEvent>, db: Database, asOf: Timestamp, everyone: CurrentSegments.Once
    ) throws -> [ActionCall.Candidate] {
        var candidates: [ActionCall.Candidate] = []
        candidates.reserveCapacity(events.count)
        let lastFired = action.definition.reentry == .everyTime
            ? [:] : try FollowUpStore.lastFired(db, action: action.definition.name, customerPKs: events.filter { $0.retryOf == nil }.map(\.customerPK))
        for event in events {
            let row = row(of: event.customerPK)
            let customerID = try row.map { profiles.ids[$0] } ?? customerID(db, event.customerPK)
            var candidate = ActionCall.Candidate(event: event, customerID: customerID, row: row, segments: .none, tags: [])
            if event.retryOf == nil, let skip = reentryRule(action.definition, lastFired: lastFired[event.customerPK], asOf: asOf) {
                candidate.skip = skip
            } else if row == nil {
                candidate.skip = "customer \(customerID) was not in this run's profiles"
            }
            candidates.append(candidate)
        }
        let asked = candidates.filter { $0.skip == nil }.map(\.event.customerPK)
        guard !asked.isEmpty else { return candidates }
        let segments = try everyone.segments(db, segmentations: segmentations, pks: profiles.pks)
        let tags = try FollowUpStore.tags(db, customerPKs: asked)
        for index in candidates.indices where candidates[index].skip == nil {
            candidates[index].segments = segments
            candidates[index].tags = tags[candidates[index].event.customerPK] ?? []
        }
        return candidates
    }

    /// Records the verdict on one event and writes its effects (nothing in a dry run).
    private func settle(
        _ action: Action, _ candidate: ActionCall.Candidate, _ verdict: ActionCall.Verdict, db: Database, runID: Int64?,
        writes: FollowUpWrites?, asOf: Timestamp
    ) throws -> FollowUpSummary.Firing {
        let definition = action.definition
        let kind = definition.trigger.kind
        var firing = FollowUpSummary.Firing(
            action: definition.name, customerID: candidate.customerID, trigger: kind.rawValue, outcome: .applied, effects: [], detail: nil)
        func record(_ outcome: FollowUpSummary.Firing.Outcome, _ detail: String?) throws -> Int64 {
            firing.outcome = outcome
            firing.detail = detail
            guard let runID, let writes else { return 0 }
            return try writes.record(
                event: candidate.event, action: definition.name, plugin: action.plugin.name, trigger: kind.rawValue, runID: runID,
                asOf: asOf, outcome: outcome.rawValue, detail: detail)
        }
        let prefix = action.plugin.file + "%LINE%: action '\(definition.name)': customer \(candidate.customerID): "
        func located(_ line: Int?, _ message: String) -> String {
            prefix.replacingOccurrences(of: "%LINE%", with: (line ?? action.line).map { ":\($0)" } ?? "") + message
        }
        switch verdict {
        case .skipped(let reason, let recorded):
            if recorded { _ = try record(.skipped, reason) } else { firing.outcome = .skipped; firing.detail = reason }
        case .heldOut:
            _ = try record(.heldOut, "held out (\(definition.holdout * 100)% of customers)")
        case .failed(let line, let message):
            _ = try record(.failed, located(line, message))
        case .apply(let effects):
            let fieldValues: [String: String?]
            do { fieldValues = try writer.checkedFieldValues(effects) } catch {
                _ = try record(.failed, located(nil, error.message))
                return firing
            }
            let followUp = try record(.applied, nil)
            let origin = EffectWriter.Origin(
                name: definition.name, key: "\(definition.name)/\(candidate.customerID)/\(candidate.event.transitionID)",
                transactional: definition.transactional, caps: definition.caps, followUp: followUp)
            // A dry run lists each effect; a run reports how many of each kind.
            firing.effects = try writer.write(
                effects, for: candidate.event.customerPK, from: origin, fieldValues: fieldValues, db: db, runID: runID, writes: writes,
                describe: runID == nil)
        }
        return firing
    }

    /// Why the action's re-entry rule keeps it from firing again, or nil.
    private func reentryRule(_ action: ActionDefinition, lastFired last: Timestamp?, asOf: Timestamp) -> String? {
        if action.reentry == .everyTime { return nil }
        guard let last else { return nil }
        switch action.reentry {
        case .everyTime: return nil
        case .once: return "fires once per customer; it fired as of \(last.iso8601)"
        case .cooldown(let days):
            let elapsed = profiles.dayCounter.days(from: last, to: asOf)
            return elapsed < days ? "cooldown of \(days) days: it fired \(elapsed) days before" : nil
        }
    }

    private func customerID(_ db: Database, _ pk: Int64) throws -> String {
        try FollowUpStore.customerID(db, pk: pk) ?? "#\(pk)"
    }

    /// The profile row of a customer key (rows are in key order).
    private func row(of pk: Int64) -> Int? {
        var low = 0, high = profiles.pks.count
        while low < high {
            let middle = (low + high) / 2
            if profiles.pks[middle] < pk { low = middle + 1 } else { high = middle }
        }
        return low < profiles.pks.count && profiles.pks[low] == pk ? low : nil
    }
}
