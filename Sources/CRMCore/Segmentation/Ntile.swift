/// NTILE ranks as SQL computes them: rows sorted, split into `tiles` groups whose sizes differ
/// by at most one, the larger groups first; tile 1 holds the first rows.
public enum Ntile {
    /// The tile (1...tiles) of each position of `order`, where `order` lists row indexes sorted.
    /// Returns tiles indexed by row.
    public static func assign(order: [Int], rowCount: Int, tiles: Int) -> [Int32] {
        var result = [Int32](repeating: 0, count: rowCount)
        let count = order.count
        guard count > 0, tiles > 0 else { return result }
        let small = count / tiles
        let large = small + 1
        let largeGroups = count % tiles
        for (position, row) in order.enumerated() {
            let tile: Int
            if position < largeGroups * large {
                tile = position / large + 1
            } else {
                tile = largeGroups + (position - largeGroups * large) / max(small, 1) + 1
            }
            result[row] = Int32(tile)
        }
        return result
    }
}
