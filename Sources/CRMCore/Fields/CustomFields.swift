/// A field as `crm field list` shows it.
public struct FieldListing: Sendable, Equatable {
    public let name: String
    /// The declaring plugin, or nil when no loaded plugin declares the field any more (its data
    /// is kept).
    public let plugin: String?
    public let type: String
    public let label: String?
    public let customersWithValue: Int
}

/// One customer's value of a field, as `crm field get` shows it.
public struct FieldReading: Sendable, Equatable {
    public enum Source: String, Sendable { case stored, computed, `default`, none, undeclared }
    public let name: String
    public let value: String?
    public let source: Source
}

/// A stored value that no longer fits its field's declaration (`crm field check`).
public struct FieldFinding: Sendable, Equatable, CustomStringConvertible {
    public let field: String
    public let customerID: String
    public let stored: String
    public let reason: String

    public var description: String { "customer \(customerID): field '\(field)': \(reason)" }
}

/// Custom fields: listing, reading, setting, checking and computing, against the declarations
/// of the loaded plugins.
public struct CustomFields {
    let database: CRMDatabase
    let catalog: PluginCatalog

    public init(database: CRMDatabase, catalog: PluginCatalog) {
        self.database = database
        self.catalog = catalog
    }

    public func list() throws -> [FieldListing] {
        let counts = try database.fieldCounts()
        var listings = catalog.fields.map { field in
            FieldListing(
                name: field.name, plugin: field.plugin.name, type: field.definition.typeDescription,
                label: field.definition.label, customersWithValue: counts[field.name] ?? 0)
        }
        let declared = Set(listings.map(\.name))
        for (name, count) in counts.sorted(by: { $0.key < $1.key }) where !declared.contains(name) {
            listings.append(FieldListing(name: name, plugin: nil, type: "undeclared (plugin gone)", label: nil, customersWithValue: count))
        }
        return listings
    }

    /// The customer's values of `name` (or of every declared and stored field).
    public func get(customerID: String, name: String? = nil) throws -> [FieldReading] {
        guard let stored = try database.fieldValues(customerID: customerID) else {
            throw try database.unknownCustomer(customerID)
        }
        if let name, catalog.field(named: name) == nil, stored[name] == nil {
            throw unknownField(name)
        }
        var readings: [FieldReading] = []
        for field in catalog.fields where name == nil || field.name == name {
            if let json = stored[field.name] {
                readings.append(FieldReading(
                    name: field.name, value: FieldValue.displayText(json: json),
                    source: field.definition.isComputed ? .computed : .stored))
            } else if let value = field.definition.defaultValue {
                readings.append(FieldReading(name: field.name, value: value.description, source: .default))
            } else {
                readings.append(FieldReading(name: field.name, value: nil, source: .none))
            }
        }
        for (field, json) in stored.sorted(by: { $0.key < $1.key }) where catalog.field(named: field) == nil && (name == nil || name == field) {
            readings.append(FieldReading(name: field, value: FieldValue.displayText(json: json), source: .undeclared))
        }
        return readings
    }

    /// Checks `text` against the field and stores it; an empty text removes the value.
    @discardableResult
    public func set(customerID: String, name: String, text: String) throws -> FieldValue? {
        guard let field = catalog.field(named: name) else { throw unknownField(name) }
        if field.definition.isComputed {
            throw CRMError.invalidArgument(
                "field '\(name)' is computed by plugin '\(field.plugin.name)'; run `crm field compute \(name)` instead of setting it")
        }
        switch field.check(text) {
        case .failure(let problem):
            throw CRMError.invalidArgument("customer \(customerID): field '\(name)': \(problem.reason); nothing was changed")
        case .success(let value):
            try database.setFieldValue(customerID: customerID, field: name, json: value?.json)
            return value
        }
    }

    /// Every stored value that does not fit its field's current declaration, by customer.
    /// Nothing is changed or deleted.
    public func check() throws -> [FieldFinding] {
        var findings: [FieldFinding] = []
        for field in catalog.fields {
            for item in try database.storedValues(field: field.name) {
                let text = FieldValue.displayText(json: item.json)
                if FieldValue.decode(json: item.json, as: field.definition.type) == nil {
                    findings.append(FieldFinding(
                        field: field.name, customerID: item.customerID, stored: text,
                        reason: "\(ValueError.quoted(text)) is not a \(field.definition.type.rawValue) any more"))
                } else if case .failure(let problem) = field.check(text) {
                    findings.append(FieldFinding(field: field.name, customerID: item.customerID, stored: text, reason: problem.reason))
                }
            }
        }
        return findings.enumerated().sorted { a, b in
            if a.element.customerID != b.element.customerID {
                return CustomerIDOrder.precedes(a.element.customerID, b.element.customerID)
            }
            return a.offset < b.offset
        }.map(\.element)
    }

    /// Computes `names` (every computed field when empty) as of `asOf`.
    public func compute(_ names: [String], asOf: Timestamp) throws -> [Result<FieldComputation, SegmentationError>] {
        var profiles = try database.profiles(asOf: asOf, fields: catalog.fields, shape: catalog.profileShape, keep: true)
        let results = try computeFields(names, profiles: &profiles)
        try database.keep(profiles)
        return results
    }

    /// Computes fields into `profiles` (used by segment runs before classifying), with `states`
    /// Lua states at once. `computedAll` is called once the profiles hold every field's new
    /// values, before the last one is stored (a segment run starts classifying then).
    func computeFields(
        _ names: [String], profiles: inout ProfileTable, states: ParallelProfileLoop.States = .perCore,
        computedAll: (ProfileTable) -> Void = { _ in }
    ) throws -> [Result<FieldComputation, SegmentationError>] {
        let computed = catalog.fields.filter { $0.definition.isComputed }
        let selected = try names.isEmpty ? computed : names.map { name in
            guard let field = computed.first(where: { $0.name == name }) else {
                if catalog.field(named: name) != nil {
                    throw CRMError.invalidArgument("field '\(name)' is not computed; set it with `crm field set`")
                }
                throw unknownField(name)
            }
            return field
        }
        // Each field is computed on the profiles holding the fields before it (a field may read
        // one); the next one's Lua runs while this one's values are written.
        let computer = FieldComputer(database: database, states: states)
        typealias Computed = (start: ContinuousClock.Instant, values: Result<[FieldValue?], any Error>)
        func computation(_ index: Int, _ profiles: ProfileTable) -> Background<Computed>? {
            guard selected.indices.contains(index) else { return nil }
            return Background {
                (ContinuousClock.now, Result {
                    try computer.values(of: selected[index], profiles: profiles, statistics: PopulationStatistics(table: profiles))
                })
            }
        }
        var next = computation(0, profiles)
        defer { _ = next?.wait() }
        var results: [Result<FieldComputation, SegmentationError>] = []
        for (index, field) in selected.enumerated() {
            guard let computed = next?.wait() else { break }
            switch computed.values {
            case .success(let values):
                profiles.setCustomField(field.name, values: FieldComputer.column(field, values))
                next = computation(index + 1, profiles)
                if next == nil { computedAll(profiles) }
                results.append(.success(try computer.store(field, values: values, profiles: &profiles, start: computed.start)))
            case .failure(let error as SegmentationError):
                next = computation(index + 1, profiles)
                if next == nil { computedAll(profiles) }
                try database.recordFailedRun(
                    kind: .field, subject: field.name, asOf: profiles.asOf, since: computed.start, error: error.description,
                    plugin: PluginIdentity(name: field.plugin.name, version: field.plugin.version, hash: field.plugin.hash))
                results.append(.failure(error))
            case .failure(let error):
                next = nil
                throw error
            }
        }
        return results
    }

    private func unknownField(_ name: String) -> CRMError {
        NameSuggestion.unknown("field", name, known: catalog.fields.map(\.name), context: " in the loaded plugins")
    }
}
