import LuaBridge

/// The `crm` table every plugin state gets: small helpers that would be error-prone in plain
/// Lua (there is no `os.date` in the sandbox). Documented in `plugins/crm.d.lua`.
enum PluginAPI {
    static func install(in state: LuaState) throws(LuaError) {
        try state.register(table: "crm", name: "add_days") { arguments in
            let date = try Self.date(arguments, 0, "crm.add_days")
            guard arguments.count > 1, let days = arguments[1].doubleValue, days.isFinite, abs(days) < 3_000_000 else {
                throw CRMError.invalidArgument("crm.add_days(date, days): days must be a number")
            }
            return [.string(CalendarDate(daysSinceEpoch: date.daysSinceEpoch + Int(days.rounded())).iso8601)]
        }
        try state.register(table: "crm", name: "days_between") { arguments in
            let from = try Self.date(arguments, 0, "crm.days_between")
            let to = try Self.date(arguments, 1, "crm.days_between")
            return [.integer(Int64(to.daysSinceEpoch - from.daysSinceEpoch))]
        }
    }

    private static func date(_ arguments: [LuaValue], _ index: Int, _ function: String) throws -> CalendarDate {
        guard arguments.count > index, let text = arguments[index].stringValue else {
            throw CRMError.invalidArgument("\(function): argument \(index + 1) must be a date string like \"2025-01-31\"")
        }
        // An instant ("2025-01-31T10:00:00Z", as p.as_of) counts as its UTC date.
        if text.count > 10, let instant = Timestamp(iso8601: text) { return instant.utcDate }
        do {
            return try CalendarDate.parse(text)
        } catch {
            throw CRMError.invalidArgument("\(function): \(error.description)")
        }
    }
}
