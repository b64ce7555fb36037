/// The customers a segmentation run moves, kept compactly: segments as small codes, no `String`
/// per customer (a reason is not stored: see `SegmentReasons`).
struct SegmentChanges {
    /// Segment names by code: the declared segments first, then stored segments the plugin no
    /// longer declares (customers can still move out of them).
    private(set) var names: [String]
    /// Profile row of each change.
    private(set) var rows: [Int32] = []
    private(set) var to: [Int16] = []
    /// The previous segment's code, or `none`.
    private(set) var from: [Int16] = []

    static let none: Int16 = -1

    init(declared: [String]) {
        names = declared
    }

    var count: Int { rows.count }

    /// Makes room for `changes` changes (memory untouched until used is not resident).
    mutating func reserveCapacity(_ changes: Int) {
        rows.reserveCapacity(changes)
        to.reserveCapacity(changes)
        from.reserveCapacity(changes)
    }

    /// The code of `name`, adding it after the declared segments when it is new.
    mutating func code(of name: String) -> Int16 {
        if let index = names.firstIndex(of: name) { return Int16(index) }
        names.append(name)
        return Int16(names.count - 1)
    }

    mutating func append(row: Int, from: Int16, to: Int16) {
        rows.append(Int32(row))
        self.from.append(from)
        self.to.append(to)
    }

    func name(_ code: Int16) -> String? {
        code == Self.none ? nil : names[Int(code)]
    }

    /// How many changes came from a previous segment (updates) rather than from none (inserts).
    var updates: Int { from.count { $0 != Self.none } }

    /// The changes from `current` (each row's stored code) to `new` (each row's new code, in
    /// row order): only the rows whose segment differs.
    static func between(current: [Int16], new: [Int16], names changes: SegmentChanges) -> SegmentChanges {
        var result = changes
        for row in RowChanges.rows(new: new, stored: current) {
            result.append(row: row, from: current[row], to: new[row])
        }
        return result
    }
}
