/// Where each named column is in a CSV file's records.
///
/// Looked up for every value of every record (80 million times for a 10-million-order file),
/// so it is a short array searched in order: comparing a few short names costs less than
/// hashing one.
struct ColumnPositions {
    private var names: [String] = []
    private var indices: [Int] = []

    subscript(name: String) -> Int? {
        for (position, candidate) in names.enumerated() where candidate == name { return indices[position] }
        return nil
    }

    /// Records where a column is; the header reader refuses a name seen twice before this.
    mutating func add(_ name: String, at index: Int) {
        names.append(name)
        indices.append(index)
    }
}
