import LuaBridge

extension JobAPI {
    /// `job:write_report(path)`: the `crm report --html` page as of the job's instant, written
    /// to a `.html` file (a plugin cannot overwrite other kinds of files this way).
    func writeReport(_ arguments: [LuaValue]) throws -> LuaValue {
        guard case .string(let path)? = arguments.first, !path.isEmpty, !path.contains("\0") else {
            throw CRMError.invalidArgument("job:write_report(path): path must be a file name (a string)")
        }
        guard path.lowercased().hasSuffix(".html") || path.lowercased().hasSuffix(".htm") else {
            throw CRMError.invalidArgument("job:write_report(path): \"\(path)\" must end in .html")
        }
        return .integer(Int64(try HTMLReport.write(database, catalog: catalog, to: path, now: asOf)))
    }
}
