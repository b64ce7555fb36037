/// Finds the row of each customer key among `pks` (ascending, as a profile table holds them)
/// while reading another table's rows in ascending key order: one forward walk, no dictionary.
struct KeyedRows {
    private let pks: [Int64]
    private var row = 0

    init(_ pks: [Int64]) {
        self.pks = pks
    }

    /// The row of `pk`, or nil when `pks` does not hold it. Keys must come in ascending order.
    mutating func row(of pk: Int64) -> Int? {
        while row < pks.count && pks[row] < pk { row += 1 }
        return row < pks.count && pks[row] == pk ? row : nil
    }
}
