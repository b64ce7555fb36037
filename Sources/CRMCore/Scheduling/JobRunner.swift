import Logging
import LuaBridge

/// How one job instance ended.
public struct JobOutcome: Sendable {
    public let job: String
    public let scheduledFor: Timestamp
    public let attempt: Int
    public let succeeded: Bool
    public let error: String?
    public let duration: Duration
}

/// Runs one job instance: loads the job's plugin file afresh into a state whose wall-time
/// limit is the job's budget, gives `run` the job API as of the scheduled instant, and records
/// the run in `runs`. A job that raises or exceeds its budget fails; nothing else is affected.
struct JobRunner {
    let database: CRMDatabase
    let catalog: PluginCatalog
    let logger: Logger

    /// The limits of a job's state: the budget is wall time; instructions are not counted
    /// separately (a job spends most of its time in the core's runs, not in Lua).
    static func limits(budget: Double) -> LuaLimits {
        LuaLimits(instructions: Int64.max / 4, timeout: budget)
    }

    /// Runs `job` as of `slot`; returns nil on success, else the error.
    func run(_ job: Job, slot: Timestamp) -> String? {
        let fresh: LoadedPlugin
        switch PluginLoader.load(file: job.plugin.file, limits: Self.limits(budget: job.definition.budget)) {
        case .failure(let failure): return "the plugin no longer loads: \(failure)"
        case .success(let plugin): fresh = plugin
        }
        guard let definition = fresh.definition.jobs.first(where: { $0.name == job.name }) else {
            return "\(fresh.file) no longer defines job '\(job.name)'"
        }
        do {
            try JobAPI(database: database, catalog: catalog, job: job.name, asOf: slot, logger: logger, plugin: fresh.definition)
                .install(in: fresh.state)
            guard let wrapper = try fresh.state.run(JobAPI.wrapperSource, chunkName: "=crm").first?.functionValue else {
                return "cannot prepare the job API"
            }
            let parameters = try PluginParameters.resolve(fresh, in: database)
            let info: LuaValue = .table([
                "name": .string(job.name), "plugin": .string(fresh.name), "scheduled_for": .string(slot.iso8601),
                "params": .table(parameters.luaFields),
            ])
            _ = try fresh.state.call(wrapper, [.function(definition.run), info])
            return nil
        } catch let error as LuaError {
            return "job '\(job.name)': \(error.description)"
        } catch {
            return "\(fresh.file): job '\(job.name)': \(error)"
        }
    }
}
