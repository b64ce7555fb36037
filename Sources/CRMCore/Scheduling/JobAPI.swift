import Logging
import LuaBridge

/// The `job` object a job's `run(job)` receives: runs segmentations, scores and computed fields
/// as of the job's scheduled instant, reads customer profiles through a filter, and logs. It
/// never exposes SQL. Documented in `plugins/crm.d.lua`.
///
/// `job:apply(customer_id, effects)` gives a customer tasks, tags, messages and field values
/// with the same effects and permission checks as follow-up actions, once per job instance
/// (`JobEffects`); `job:tasks(customer_id)` reads a customer's tasks.
struct JobAPI {
    let database: CRMDatabase
    let catalog: PluginCatalog
    let job: String
    let asOf: Timestamp
    let logger: Logger
    let effects: JobEffects

    init(database: CRMDatabase, catalog: PluginCatalog, job: String, asOf: Timestamp, logger: Logger, plugin: PluginDefinition) {
        self.database = database
        self.catalog = catalog
        self.job = job
        self.asOf = asOf
        self.logger = logger
        effects = JobEffects(database: database, catalog: catalog, job: job, asOf: asOf, plugin: plugin)
    }

    /// Builds `job` from the registered functions (hidden from the plugin's globals) and calls `run(job)`.
    static let wrapperSource = """
        local api = crm_job
        crm_job = nil
        return function(run, info)
          local job = {}
          for key, value in pairs(info) do job[key] = value end
          for name, f in pairs(api) do
            -- job:f(...) and job.f(...) both work
            job[name] = function(first, ...)
              if first == job then return f(...) end
              return f(first, ...)
            end
          end
          -- The wall-time budget's clock starts at the first count-hook event (every 1,000
          -- instructions): start it now, so time spent in the API's runs counts too.
          for _ = 1, 2000 do end
          return run(job)
        end
        """

    /// Registers the API's functions in `state` under the hidden table `crm_job`.
    func install(in state: LuaState) throws(LuaError) {
        try state.register(table: "crm_job", name: "run_segmentations") { arguments in
            let names = try Self.names(arguments, "job:run_segmentations")
            let engine = SegmentationEngine(database: database, catalog: catalog)
            // A caught-up slot older than a run made by hand does not move memberships back.
            let requested = names.isEmpty ? catalog.segmentations.map(\.segmentation.name) : names
            let newer = Set(try engine.segmentationsRunAfter(requested, asOf: asOf))
            for name in newer.sorted() {
                logger.info(
                    "segmentation \(name) skipped: it already ran as of a later instant",
                    metadata: ["job": "\(job)", "instant": "\(asOf.iso8601)"])
            }
            let remaining = requested.filter { !newer.contains($0) }
            let results = newer.isEmpty
                ? try engine.run(names, asOf: asOf) : remaining.isEmpty ? [] : try engine.run(remaining, asOf: asOf)
            return [try report(results.map { $0.map { ($0.segmentation, $0.customers, $0.changed) } }, what: "segmentation")]
        }
        try state.register(table: "crm_job", name: "run_scores") { arguments in
            let names = try Self.names(arguments, "job:run_scores")
            let results = try ScoreEngine(database: database, catalog: catalog).run(names, asOf: asOf)
            return [try report(results.map { $0.map { ($0.score, $0.customers, $0.changed) } }, what: "score")]
        }
        try state.register(table: "crm_job", name: "compute_fields") { arguments in
            let names = try Self.names(arguments, "job:compute_fields")
            let results = try CustomFields(database: database, catalog: catalog).compute(names, asOf: asOf)
            return [try report(results.map { $0.map { ($0.field, $0.customers, $0.changed) } }, what: "field")]
        }
        try state.register(table: "crm_job", name: "customers") { arguments in
            try [customers(arguments)]
        }
        try state.register(table: "crm_job", name: "apply") { [effects] arguments in
            try [effects.apply(arguments)]
        }
        try state.register(table: "crm_job", name: "tasks") { [effects] arguments in
            try [effects.tasks(arguments)]
        }
        try state.register(table: "crm_job", name: "write_report") { arguments in
            try [writeReport(arguments)]
        }
        try state.register(table: "crm_job", name: "log") { arguments in
            let text = arguments.map { value -> String in
                switch value {
                case .string(let text): text
                case .integer(let number): String(number)
                case .number(let number): String(number)
                case .boolean(let flag): String(flag)
                case .nil: "nil"
                case .table: "(table)"
                case .function: "(function)"
                }
            }.joined(separator: " ")
            logger.info("\(text)", metadata: ["job": "\(job)", "instant": "\(asOf.iso8601)"])
            return []
        }
    }

    /// `{ { name = ..., customers = ..., changed = ... }, ... }`; a failure raises after the
    /// others ran, naming every one that failed.
    private func report(_ results: [Result<(String, Int, Int), SegmentationError>], what: String) throws -> LuaValue {
        var list: [LuaValue: LuaValue] = [:]
        var failures: [String] = []
        for result in results {
            switch result {
            case .success(let (name, customers, changed)):
                list[.integer(Int64(list.count + 1))] = .table([
                    "name": .string(name), "customers": .integer(Int64(customers)), "changed": .integer(Int64(changed)),
                ])
            case .failure(let error):
                failures.append("\(what) '\(error.segmentation)' failed: \(error)")
            }
        }
        if !failures.isEmpty { throw CRMError.invalidArgument(failures.joined(separator: "; ")) }
        return .table(list)
    }

    /// `job:customers(where, limit)`: profiles of the customers matching the `--where`
    /// expression (all when nil), in customer-id order, at most `limit`.
    private func customers(_ arguments: [LuaValue]) throws -> LuaValue {
        var expression: String?
        switch arguments.first {
        case nil, .nil?: expression = nil
        case .string(let text)?: expression = text
        default: throw CRMError.invalidArgument("job:customers(where, limit): where must be a filter expression (a string) or nil")
        }
        var limit = Int.max
        if arguments.count > 1, arguments[1] != .nil {
            guard let value = arguments[1].integerValue, value > 0 else {
                throw CRMError.invalidArgument("job:customers(where, limit): limit must be a whole number above 0")
            }
            limit = Int(value)
        }
        let profiles = try database.profiles(asOf: asOf, fields: catalog.fields, shape: catalog.profileShape)
        var ids = profiles.ids.sorted(by: CustomerIDOrder.precedes)
        if let expression { ids = try CustomerFilter(expression: expression).matches(database: database, catalog: catalog, asOf: asOf) }
        let rows = Dictionary(profiles.ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let fields = ProfileField.all(for: profiles, seenBy: effects.plugin.profile)
        var list: [LuaValue: LuaValue] = [:]
        for id in ids.prefix(limit) {
            guard let row = rows[id] else { continue }
            var customer: [LuaValue: LuaValue] = ["id": .string(id)]
            for field in fields {
                let value = field.read(profiles, row).luaValue
                if value != .nil { customer[.string(field.name)] = value }
            }
            list[.integer(Int64(list.count + 1))] = .table(customer)
        }
        return .table(list)
    }

    /// nil (all), a name, or a list of names.
    private static func names(_ arguments: [LuaValue], _ function: String) throws -> [String] {
        switch arguments.first {
        case nil, .nil?: return []
        case .string(let name)?: return [name]
        case .table?:
            guard let items = arguments[0].arrayValues, let names = Optional(items.compactMap(\.stringValue)), names.count == items.count else {
                throw CRMError.invalidArgument("\(function)(names): names must be a list of strings")
            }
            return names
        default:
            throw CRMError.invalidArgument("\(function)(names): names must be nil (all), a name or a list of names")
        }
    }
}
