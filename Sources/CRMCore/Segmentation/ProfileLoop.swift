import LuaBridge

/// The hot loop: one reused Lua table holds the current customer's profile (plus the
/// population ranks); a plugin function is called for each customer through a wrapper that
/// carries `p`, so no table is created per customer.
struct ProfileLoop {
    /// The sandboxed state the function lives in, and its file for error messages.
    let state: LuaState
    let file: String
    let profiles: ProfileTable
    let inputs: PopulationInputs
    /// What failures are reported as: the segmentation or score name.
    let subject: String
    /// The plugin function called for each customer (`classify`, `compute`), for error messages.
    let functionName: String
    /// Text the plugin code is in: profile fields it mentions are set for every customer, the
    /// others are fetched on demand through `source`.
    let mentions: String
    let source: ProfileFieldSource
    /// What the plugin declared: it sees those windows and no others.
    let profile: ProfileDeclaration

    /// A second plugin function, called with the same customer right after the first one, for
    /// the customers `wanted` picks by the first one's result: a segmentation's
    /// `explain(c, p, segment)` for the customers whose segment changed.
    struct SecondCall {
        let function: LuaFunctionRef
        /// Its name, for error messages.
        let name: String
        /// Whether the customer (index) needs it, given the first function's first result.
        let wanted: (Int, String) -> Bool
    }

    /// Calls `wrapperSource`'s function with `(function, p)` (or `(function, secondCall, p)`) to
    /// get the per-customer function (and the follow-up's), then calls it for every customer;
    /// `accept` receives the customer index and the two strings it returned, the second one
    /// from the follow-up when the first function gave none and the follow-up was wanted.
    /// `rows` limits the customers (all by default) and `only` skips some of them.
    func run(
        function: LuaFunctionRef, secondCall: SecondCall? = nil, rows: Range<Int>? = nil, only: ((Int) -> Bool)? = nil,
        wrapperSource: String, luaTime: inout Duration,
        accept: (Int, String?, String?) throws(SegmentationError) -> Void
    ) throws(SegmentationError) {
        let allFields = ProfileField.all(for: profiles, seenBy: profile)
        let fields = allFields.filter { mentions.contains($0.name) }
        let names = fields.map(\.name) + inputs.tiles.map(\.name) + inputs.shares.map(\.name)
        let perCustomer: LuaFunctionRef
        let secondCallPerCustomer: LuaFunctionRef?
        let record: LuaRecord
        do {
            let maker = try state.run(wrapperSource, chunkName: "=crm")
            let arguments = [LuaValue.function(function)] + (secondCall.map { [LuaValue.function($0.function)] } ?? []) + [inputs.params]
            let wrapped = try maker.first?.functionValue.map { try state.call($0, arguments) } ?? []
            let lazy = try state.run(ProfileFieldSource.lazyWrapperSource, chunkName: "=crm").first?.functionValue
            let made = try wrapped.prefix(secondCall == nil ? 1 : 2).map { value in
                try value.functionValue.flatMap { inner in try lazy.map { try state.call($0, [.function(inner)]) }?.first?.functionValue }
            }
            guard let first = made.first ?? nil, secondCall == nil || made.count == 2 && made[1] != nil else {
                throw SegmentationError(segmentation: subject, file: file, function: nil, customerID: nil, message: "cannot prepare the call")
            }
            perCustomer = first
            secondCallPerCustomer = secondCall == nil ? nil : made[1]
            record = try state.makeRecord(fields: names)
        } catch let error as LuaError {
            throw SegmentationError(segmentation: subject, file: file, customerID: nil, error: error)
        } catch let error as SegmentationError {
            throw error
        } catch {
            throw SegmentationError(segmentation: subject, file: file, function: nil, customerID: nil, message: "\(error)")
        }
        let clock = ContinuousClock()
        var elapsed = Duration.zero
        try source.serving(profiles, fields: allFields) { () throws(SegmentationError) in
            try state.perform { state throws(SegmentationError) in
                try loop(
                    rows: rows ?? 0..<profiles.count, only: only, state: state, record: record, readers: fields.map(\.read),
                    perCustomer: perCustomer,
                    secondCall: secondCall.flatMap { wanted in secondCallPerCustomer.map { (wanted, $0) } },
                    elapsed: &elapsed, clock: clock, accept: accept)
            }
        }
        luaTime = elapsed
    }

    private func loop(
        rows: Range<Int>, only: ((Int) -> Bool)?, state: LuaState, record: LuaRecord, readers: [ProfileField.Reader], perCustomer: LuaFunctionRef,
        secondCall: (SecondCall, LuaFunctionRef)?, elapsed: inout Duration, clock: ContinuousClock,
        accept: (Int, String?, String?) throws(SegmentationError) -> Void
    ) throws(SegmentationError) {
        // The first `exactlyTimedCalls` calls are timed, then one in `timingStride`, whose time
        // is scaled to all the later calls: reading the clock twice per customer was 3% of a
        // re-run's CPU at L.
        var calls = 0, laterCalls = 0, sampledCalls = 0
        var exact = Duration.zero, sampled = Duration.zero
        defer { elapsed = exact + (sampledCalls == 0 ? .zero : sampled * laterCalls / sampledCalls) }
        // Not an optional instant: copying and destroying one per customer was 2% of a re-run's
        // CPU at L (perf, 200 Hz).
        let origin = clock.now
        for customer in rows {
            if let only, !only(customer) { continue }
            source.customer = customer
            fill(record, readers: readers, customer: customer)
            let isExact = calls < Self.exactlyTimedCalls
            let timed = isExact || calls % Self.timingStride == 0
            let started = timed ? clock.now : origin
            calls += 1
            if !isExact { laterCalls += 1 }
            var answer: (String?, String?)
            var calling = functionName
            do throws(LuaError) {
                answer = try state.call(perCustomer, record: record)
                if answer.1 == nil, let first = answer.0, let (secondCall, function) = secondCall, secondCall.wanted(customer, first) {
                    calling = secondCall.name
                    answer.1 = try state.call(function, record: record).0
                }
            } catch {
                throw SegmentationError(
                    segmentation: subject, file: file, customerID: profiles.ids[customer], error: error, calling: calling)
            }
            if timed {
                if isExact {
                    exact += clock.now - started
                } else {
                    sampled += clock.now - started
                    sampledCalls += 1
                }
            }
            try accept(customer, answer.0, answer.1)
        }
    }

    /// Every how many calls the time in Lua is measured, after the first `exactlyTimedCalls`.
    static let timingStride = 16
    static let exactlyTimedCalls = 1024

    /// Sets the record's fields for `customer`: the mentioned profile fields, then ranks and shares.
    private func fill(_ record: LuaRecord, readers: [ProfileField.Reader], customer: Int) {
        record.set(readers, of: profiles, row: customer)
        var index = readers.count
        for tile in inputs.tiles {
            let value = tile.values[customer]
            if value == 0 { record.set(index, nil as String?) } else { record.set(index, Int64(value)) }
            index += 1
        }
        for share in inputs.shares {
            if let value = share.values[customer] { record.set(index, value) } else { record.set(index, nil as String?) }
            index += 1
        }
    }
}

extension ProfileLoop {
    init(plugin: LoadedPlugin, profiles: ProfileTable, inputs: PopulationInputs, subject: String, functionName: String) {
        self.init(
            state: plugin.state, file: plugin.file, profiles: profiles, inputs: inputs, subject: subject,
            functionName: functionName, mentions: plugin.source, source: plugin.profileFieldSource, profile: plugin.definition.profile)
    }
}
