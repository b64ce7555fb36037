/// The order of customer ids everywhere crm sorts customers: rank ties, `segment members`.
///
/// Customer numbers are usually decimal, and users expect 2 before 10, so ids that are plain
/// non-negative integers (no sign, no leading zero, at most 18 digits) come first in numeric
/// order; every other id follows in byte order of its UTF-8 text.
public enum CustomerIDOrder {
    /// Whether `lhs` sorts before `rhs`.
    public static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        let left = numericValue(lhs)
        let right = numericValue(rhs)
        switch (left, right) {
        case let (.some(a), .some(b)): return a < b
        case (.some, .none): return true
        case (.none, .some): return false
        case (.none, .none): return lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
        }
    }

    /// Positions of `ids` in customer-id order: `ranks[i]` is where `ids[i]` sorts.
    /// Each id is read once: numeric ids are sorted by their value, the others by their bytes.
    public static func ranks(of ids: [String]) -> [Int32] {
        var numeric: [(value: Int64, index: Int32)] = []
        var textual: [Int32] = []
        numeric.reserveCapacity(ids.count)
        for (index, id) in ids.enumerated() {
            if let value = numericValue(id) { numeric.append((value, Int32(index))) } else { textual.append(Int32(index)) }
        }
        numeric.sort { $0.value != $1.value ? $0.value < $1.value : $0.index < $1.index }
        textual.sort { ids[Int($0)].utf8.lexicographicallyPrecedes(ids[Int($1)].utf8) }
        var ranks = [Int32](repeating: 0, count: ids.count)
        for (position, entry) in numeric.enumerated() { ranks[Int(entry.index)] = Int32(position) }
        for (position, index) in textual.enumerated() { ranks[Int(index)] = Int32(numeric.count + position) }
        return ranks
    }

    static func numericValue(_ id: String) -> Int64? {
        let bytes = id.utf8
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        if bytes.count > 1, bytes.first == UInt8(ascii: "0") { return nil }
        var value: Int64 = 0
        for byte in bytes {
            guard byte >= 48, byte <= 57 else { return nil }
            value = value * 10 + Int64(byte - 48)
        }
        return value
    }
}
