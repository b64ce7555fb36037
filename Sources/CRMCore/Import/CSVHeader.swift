/// The column names from a CSV file's first record, matched exactly (no trimming, no case
/// folding, no Unicode normalization): ` name` and `Name` are not `name`.
///
/// The header does not judge; it answers questions so the importer can report every problem:
///
/// ```swift
/// let problems = header.missing(["id", "customer_id"]) + header.duplicates
/// let amount = header.index(of: "amount")
/// ```
public struct CSVHeader: Equatable, Sendable {
    /// Column names in file order.
    public let names: [String]

    /// A header with these column names.
    public init(names: [String]) {
        self.names = names
    }

    /// Number of columns.
    public var count: Int { names.count }

    /// The 0-based position of the first column named exactly `name`, or nil.
    public func index(of name: String) -> Int? {
        names.firstIndex { $0.utf8.elementsEqual(name.utf8) }
    }

    /// Names that appear more than once, each listed once, in order of first appearance.
    public var duplicates: [String] {
        var result: [String] = []
        for (position, name) in names.enumerated() where index(of: name) != position {
            if !result.contains(where: { $0.utf8.elementsEqual(name.utf8) }) { result.append(name) }
        }
        return result
    }

    /// The names from `required` that no column has, in the order given.
    public func missing(_ required: [String]) -> [String] {
        required.filter { index(of: $0) == nil }
    }

    /// The columns whose name is not in `known`, in file order.
    public func unknown(known: [String]) -> [String] {
        names.filter { name in !known.contains { $0.utf8.elementsEqual(name.utf8) } }
    }
}
