import LuaBridge

/// One job of a plugin, validated: when it is due and what it runs.
public struct JobDefinition {
    public let name: String
    public let description: String?
    /// The cron expression and its time zone, with the plugin's default parameters.
    public let schedule: CronSchedule
    /// The parameters the schedule and time zone come from, when given as `{ param = "..." }`,
    /// so `crm plugin set` can move a job without editing its file.
    public let scheduleParameter: String?
    public let timeZoneParameter: String?
    /// Seconds of wall time one run may take before it is stopped as failed.
    public let budget: Double
    /// `run(job)`.
    public let run: LuaFunctionRef

    /// A run's budget when the plugin gives none: one hour.
    public static let defaultBudget: Double = 3600
    /// The largest budget a job may ask for: one day (a longer job would overlap its next run).
    public static let largestBudget: Double = 86_400

    /// Refuses a new value for a parameter a job's schedule or time zone comes from when the
    /// schedule would not parse with it (`crm plugin set`).
    static func checkScheduleParameter(_ plugin: LoadedPlugin, key: String, text: String) throws {
        for job in plugin.definition.jobs where job.scheduleParameter == key || job.timeZoneParameter == key {
            let expression = job.scheduleParameter == key ? text : job.schedule.expression.text
            let zone = job.timeZoneParameter == key ? text : job.schedule.zoneName
            do throws(CronError) {
                _ = try CronSchedule(expression, timeZone: zone)
            } catch {
                throw CRMError.invalidArgument("'\(key)' is the schedule of job '\(job.name)': \(error)")
            }
        }
    }
}

/// Validates a plugin's `jobs` section; `PluginSchema` calls it and adds its problems.
struct JobSchema {
    static let jobKeys = ["description", "schedule", "timezone", "budget", "run"]

    private(set) var problems: [(path: [String], message: String)] = []

    /// The plugin's declared parameters, for `{ param = "..." }` references.
    var params: [(key: String, value: ParameterValue)] = []

    mutating func validate(_ value: LuaValue?) -> [JobDefinition] {
        guard let value else { return [] }
        guard case .table(let section) = value else {
            report(["jobs"], "expected a table of jobs, got \(PluginSchema.typeName(value))")
            return []
        }
        var jobs: [JobDefinition] = []
        for (key, definition) in section.sorted(by: { "\($0.key)" < "\($1.key)" }) {
            guard case .string(let name) = key else {
                report(["jobs"], "keys must be job names (strings)")
                continue
            }
            if let job = job(name, definition) { jobs.append(job) }
        }
        return jobs
    }

    private mutating func job(_ name: String, _ value: LuaValue) -> JobDefinition? {
        let path = ["jobs", name]
        if !PluginSchema.isIdentifier(name) { report(path, "a job name is lower case letters, digits and _ (e.g. \"nightly\")") }
        guard case .table(let fields) = value else {
            report(path, "expected { schedule = ..., run = function(job) ... end }, got \(PluginSchema.typeName(value))")
            return nil
        }
        for key in fields.keys {
            let keyName = key.stringValue ?? "\(key)"
            if !Self.jobKeys.contains(keyName) {
                report(path + [keyName], "unknown key in a job (allowed: \(Self.jobKeys.joined(separator: ", ")))")
            }
        }
        var description: String?
        if let value = fields["description"] {
            description = value.stringValue
            if description == nil { report(path + ["description"], "expected a string, got \(PluginSchema.typeName(value))") }
        }
        let (zone, zoneParameter) = text(fields["timezone"], at: path + ["timezone"], what: "an IANA time zone name like \"Europe/Berlin\"")
        var schedule: CronSchedule?
        let (expression, scheduleParameter) = text(fields["schedule"], at: path + ["schedule"], what: "a cron expression like \"30 2 * * *\"")
        if fields["schedule"] == nil {
            report(path, "missing 'schedule': a cron expression like \"30 2 * * *\" or \"@daily\"")
        } else if let expression {
            do throws(CronError) {
                schedule = try CronSchedule(expression, timeZone: zone ?? "UTC")
            } catch {
                report(path + [error.field == "time zone" ? "timezone" : "schedule"], error.description)
            }
        }
        var budget = JobDefinition.defaultBudget
        if let value = fields["budget"] {
            if let seconds = value.doubleValue, seconds > 0, seconds <= JobDefinition.largestBudget {
                budget = seconds
            } else {
                report(path + ["budget"], "expected a number of seconds above 0 and at most 86400, got \(value.integerValue.map(String.init) ?? value.doubleValue.map { "\($0)" } ?? PluginSchema.typeName(value))")
            }
        }
        var run: LuaFunctionRef?
        switch fields["run"] {
        case nil: report(path, "missing 'run': a function(job) that does the work")
        case .function(let function)?: run = function
        case let other?: report(path + ["run"], "expected a function(job), got \(PluginSchema.typeName(other))")
        }
        guard let schedule, let run else { return nil }
        return JobDefinition(
            name: name, description: description, schedule: schedule, scheduleParameter: scheduleParameter,
            timeZoneParameter: zoneParameter, budget: budget, run: run)
    }

    /// A string, or `{ param = "name" }` naming a string parameter (its default is used here).
    private mutating func text(_ value: LuaValue?, at path: [String], what: String) -> (String?, String?) {
        switch value {
        case nil: return (nil, nil)
        case .string(let text)?: return (text, nil)
        case .table(let reference)?:
            guard reference.count == 1, case .string(let name)? = reference["param"] else {
                report(path, "expected \(what) or { param = \"name\" }")
                return (nil, nil)
            }
            guard let parameter = params.first(where: { $0.key == name }) else {
                report(path + ["param"], "'\(name)' is not one of the plugin's params")
                return (nil, nil)
            }
            guard case .text(let text) = parameter.value else {
                report(path + ["param"], "parameter '\(name)' must be a string")
                return (nil, nil)
            }
            return (text, name)
        case let other?:
            report(path, "expected \(what), got \(PluginSchema.typeName(other))")
            return (nil, nil)
        }
    }

    private mutating func report(_ path: [String], _ message: String) {
        problems.append((path, message))
    }
}
