/// Sorts rows by a number, keeping the rows' given order among equal numbers (a stable LSD
/// radix sort on 16-bit digits): the ranks of a million customers cost a few passes over two
/// arrays instead of a comparison sort's twenty (`PopulationStatistics`).
enum RadixOrder {
    /// A key whose unsigned order is the order of `value` (descending when asked); -0.0 and 0.0
    /// get the same key, as they compare equal.
    static func key(_ value: Double, descending: Bool) -> UInt64 {
        let bits = (value == 0 ? 0.0 : value).bitPattern
        let ascending = bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
        return descending ? ~ascending : ascending
    }

    /// `rows` ordered by `keys` (one per row, same positions), equal keys in their given order.
    static func stableSorted(keys: [UInt64], rows: [Int32]) -> [Int32] {
        precondition(keys.count == rows.count)
        var keys = keys, rows = rows
        var keysOut = [UInt64](repeating: 0, count: keys.count)
        var rowsOut = [Int32](repeating: 0, count: rows.count)
        var counts = [Int](repeating: 0, count: 1 << 16)
        for shift in stride(from: 0, to: 64, by: 16) {
            for index in counts.indices { counts[index] = 0 }
            for key in keys { counts[Int(truncatingIfNeeded: key >> UInt64(shift)) & 0xFFFF] += 1 }
            // Every key has the same digit here: this pass would not move anything.
            if counts.contains(keys.count) { continue }
            var start = 0
            for digit in counts.indices {
                let count = counts[digit]
                counts[digit] = start
                start += count
            }
            for index in keys.indices {
                let digit = Int(truncatingIfNeeded: keys[index] >> UInt64(shift)) & 0xFFFF
                let target = counts[digit]
                counts[digit] = target + 1
                keysOut[target] = keys[index]
                rowsOut[target] = rows[index]
            }
            swap(&keys, &keysOut)
            swap(&rows, &rowsOut)
        }
        return rows
    }
}
