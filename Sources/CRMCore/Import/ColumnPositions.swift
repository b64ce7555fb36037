/// Where each named column is in a CSV file's records.
///
/// Looked up for every value of every record (80 million times for a 10-million-order file),
/// so it is a short array searched in order: comparing a few short names costs less than
/// hashing one.
struct ColumnPositions {
    private var names: [String] = []
    private var indices: [Int] = []

    subscript(name: String) -> Int? {
        get {
            for (position, candidate) in names.enumerated() where candidate == name { return indices[position] }
            return nil
        }
        set {
            if let position = names.firstIndex(of: name) {
                if let newValue { indices[position] = newValue } else {
                    names.remove(at: position)
                    indices.remove(at: position)
                }
            } else if let newValue {
                names.append(name)
                indices.append(newValue)
            }
        }
    }
}
