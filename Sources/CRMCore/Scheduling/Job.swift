/// A job of a loaded plugin: what `crm job list` shows and the scheduler runs.
public struct Job {
    public let plugin: LoadedPlugin
    public let definition: JobDefinition
    /// The schedule in force: the file's, or from parameters overridden in the database.
    public let schedule: CronSchedule

    public var name: String { definition.name }
}

extension PluginCatalog {
    /// Every job of every loaded plugin with its schedule as written, by name (names are unique
    /// across plugins).
    public var jobs: [Job] {
        plugins.flatMap { plugin in plugin.definition.jobs.map { Job(plugin: plugin, definition: $0, schedule: $0.schedule) } }
            .sorted { $0.name < $1.name }
    }

    /// Every job with the schedule `database` gives it (`crm plugin set` on a schedule
    /// parameter); a job whose overridden schedule is invalid is left out and reported.
    public func jobs(in database: CRMDatabase) -> (jobs: [Job], problems: [String]) {
        var resolved: [Job] = []
        var problems: [String] = []
        for job in jobs {
            let definition = job.definition
            guard definition.scheduleParameter != nil || definition.timeZoneParameter != nil else {
                resolved.append(job)
                continue
            }
            do {
                let parameters = try PluginParameters.resolve(job.plugin, in: database).entries
                func text(_ key: String?, _ fallback: String) -> String {
                    guard let key, case .text(let value)? = parameters.first(where: { $0.key == key })?.value else { return fallback }
                    return value
                }
                let schedule = try CronSchedule(
                    text(definition.scheduleParameter, definition.schedule.expression.text),
                    timeZone: text(definition.timeZoneParameter, definition.schedule.zoneName))
                resolved.append(Job(plugin: job.plugin, definition: definition, schedule: schedule))
            } catch {
                problems.append("\(job.plugin.file): job '\(job.name)' does not run: its parameters in this database: \(error)")
            }
        }
        return (resolved, problems)
    }

    public func job(named name: String) throws -> Job {
        guard let job = jobs.first(where: { $0.name == name }) else {
            let known = jobs.map(\.name)
            throw CRMError.notFound(
                "no job named '\(name)'" + (known.isEmpty ? " (no loaded plugin defines a job)" : " (known: \(known.joined(separator: ", ")))"))
        }
        return job
    }
}
