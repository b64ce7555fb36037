import LuaBridge

/// `job:apply(customer_id, effects)` and `job:tasks(customer_id)`: a job acts on customers with
/// the same effects as follow-up actions (checked against the plugin's `permissions`), exactly
/// once per job instance: the n-th `apply` for a customer in an instance is keyed by (job,
/// scheduled instant, customer, n), so a retried instance finds what it applied before.
final class JobEffects {
    let database: CRMDatabase
    let job: String
    let asOf: Timestamp
    let plugin: PluginDefinition
    let writer: EffectWriter
    private var calls: [String: Int] = [:]

    init(database: CRMDatabase, catalog: PluginCatalog, job: String, asOf: Timestamp, plugin: PluginDefinition) {
        self.database = database
        self.job = job
        self.asOf = asOf
        self.plugin = plugin
        writer = EffectWriter(fields: catalog.fields)
    }

    /// Returns `{ applied = true|false, effects = { "task ...", ... } }`; false when this call
    /// of a retried instance was applied before. Bad effects raise with what is wrong.
    func apply(_ arguments: [LuaValue]) throws -> LuaValue {
        guard let customerID = arguments.first?.stringValue else {
            throw CRMError.invalidArgument("job:apply(customer_id, effects): customer_id must be a string")
        }
        let effects: [Effect]
        // `due_in_days` counts from the instant's date in the business time zone.
        let today = try database.businessTimeZone().dayCounter().date(of: asOf)
        do {
            effects = try Effect.list(from: arguments.count > 1 ? arguments[1] : nil, today: today)
            try EffectWriter.checkPermissions(effects, of: plugin)
        } catch {
            throw CRMError.invalidArgument("job:apply: customer \(customerID): \(error.message)")
        }
        let fieldValues: [String: String?]
        do { fieldValues = try writer.checkedFieldValues(effects) } catch {
            throw CRMError.invalidArgument("job:apply: customer \(customerID): \(error.message)")
        }
        let sequence = (calls[customerID] ?? 0) + 1
        calls[customerID] = sequence
        let origin = EffectWriter.Origin(
            name: job, key: "job/\(job)/\(asOf.iso8601)/\(customerID)/\(sequence)", transactional: false, caps: MessageCaps(), followUp: nil)
        let (applied, lines) = try database.write { db -> (Bool, [String]) in
            guard let pk = try FollowUpStore.customerPK(db, id: customerID) else {
                throw CRMError.notFound("job:apply: no customer with id \"\(customerID)\"")
            }
            guard try FollowUpStore.claimJobEffect(db, job: job, scheduledFor: asOf, customerPK: pk, sequence: sequence) else {
                return (false, [])
            }
            let writes = try FollowUpWrites(db)
            let lines = try writer.write(effects, for: pk, from: origin, fieldValues: fieldValues, db: db, runID: 0, writes: writes)
            try writes.flush()
            return (true, lines)
        }
        return .table([
            "applied": .boolean(applied),
            "effects": .table(Dictionary(uniqueKeysWithValues: lines.enumerated().map { (LuaValue.integer(Int64($0 + 1)), LuaValue.string($1)) })),
        ])
    }

    /// The customer's tasks: `{ { id, title, owner, status, due, created_at, done_at, days_since_done }, ... }`.
    func tasks(_ arguments: [LuaValue]) throws -> LuaValue {
        guard let customerID = arguments.first?.stringValue else {
            throw CRMError.invalidArgument("job:tasks(customer_id): customer_id must be a string")
        }
        let tasks = try database.tasks(matching: .init(customerID: customerID))
        var list: [LuaValue: LuaValue] = [:]
        for (index, task) in tasks.enumerated() {
            var item: [LuaValue: LuaValue] = [
                "id": .integer(task.id), "title": .string(task.title), "status": .string(task.status.rawValue),
                "priority": .string(task.priority), "created_at": .string(task.createdAt.iso8601),
            ]
            if let owner = task.owner { item["owner"] = .string(owner) }
            if let due = task.dueDate { item["due"] = .string(due) }
            if let action = task.action { item["action"] = .string(action) }
            if let done = task.doneAt {
                item["done_at"] = .string(done.iso8601)
                item["days_since_done"] = .integer(Int64(done.days(until: asOf)))
            }
            list[.integer(Int64(index + 1))] = .table(item)
        }
        return .table(list)
    }
}
