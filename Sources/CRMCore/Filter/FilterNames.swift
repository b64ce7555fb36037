/// Resolves the names of a `--where` expression to per-customer values: profile fields and
/// custom fields by name, `segment.NAME` (the current segment) and `score.NAME` (the latest
/// value), `tag.NAME` (whether the customer has that tag). A new prefix is one case in
/// `resolve(_:column:)`.
struct FilterNames {
    let profiles: ProfileTable
    let database: CRMDatabase
    let catalog: PluginCatalog
    private let fields: [String: ProfileField]

    init(profiles: ProfileTable, database: CRMDatabase, catalog: PluginCatalog) {
        self.profiles = profiles
        self.database = database
        self.catalog = catalog
        fields = Dictionary(ProfileField.all(for: profiles).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Every name the expression uses, resolved.
    func resolve(_ expression: FilterExpression) throws -> [String: (Int) -> ProfileValue] {
        var resolved: [String: (Int) -> ProfileValue] = [:]
        for (name, column) in Self.names(in: expression) where resolved[name] == nil {
            resolved[name] = try resolve(name, column: column)
        }
        return resolved
    }

    private func resolve(_ name: String, column: Int) throws -> (Int) -> ProfileValue {
        let parts = name.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        if parts.count == 1 {
            guard let field = fields[name] else { throw unknown("field", name, column: column, known: Array(fields.keys).sorted()) }
            let profiles = profiles
            return { field.read(profiles, $0) }
        }
        switch parts[0] {
        case "segment":
            do {
                try catalog.requireSegmentation(parts[1], storedIn: database)
            } catch let error as CRMError {
                throw FilterError(column: column + 8, message: error.description)
            }
            let segments = Dictionary(uniqueKeysWithValues: try database.members(segmentation: parts[1]).map { ($0.customerID, $0.segment) })
            let ids = profiles.ids
            return { segments[ids[$0]].map(ProfileValue.text) ?? .missing }
        case "score":
            do {
                try catalog.requireScore(parts[1], storedIn: database)
            } catch let error as CRMError {
                throw FilterError(column: column + 6, message: error.description)
            }
            let scores = Dictionary(uniqueKeysWithValues: try database.topScores(parts[1], limit: Int.max).map { ($0.customerID, $0.value) })
            let ids = profiles.ids
            return { scores[ids[$0]].map(ProfileValue.number) ?? .missing }
        case "tag":
            guard !parts[1].isEmpty else { throw FilterError(column: column, message: "tag. needs a tag name, e.g. tag.win-back") }
            let tagged = Set(try database.customerIDs(tagged: parts[1]))
            let ids = profiles.ids
            return { .boolean(tagged.contains(ids[$0])) }
        default:
            throw FilterError(column: column, message: "'\(parts[0]).' is not a prefix (use segment.NAME, score.NAME or tag.NAME)")
        }
    }

    private func unknown(_ kind: String, _ name: String, column: Int, known: [String]) -> FilterError {
        FilterError(column: column, message: NameSuggestion.unknown(kind, name, known: known).description)
    }

    /// The names in `expression` with the column of their first use.
    static func names(in expression: FilterExpression) -> [(String, Int)] {
        func operand(_ value: FilterOperand) -> [(String, Int)] {
            if case .name(let name, let column) = value { return [(name, column)] }
            return []
        }
        switch expression {
        case .and(let left, let right), .or(let left, let right): return names(in: left) + names(in: right)
        case .not(let inner): return names(in: inner)
        case .compare(let left, _, let right, _), .contains(let left, let right, _, _): return operand(left) + operand(right)
        case .isNull(let value, _), .inList(let value, _, _, _), .truth(let value): return operand(value)
        }
    }
}
