import LuaBridge

extension PluginSchema {
    /// `grid = { "r", "f" }`: two different ranks the segmentation declares, charted as a grid
    /// (rows, then columns) by `crm report`; empty when absent or wrong (reported).
    mutating func gridRanks(_ value: LuaValue?, at path: [String], ranks: [String]) -> [String] {
        guard let value else { return [] }
        guard let items = value.arrayValues, items.count == 2, let names = Optional(items.compactMap(\.stringValue)), names.count == 2,
            names[0] != names[1]
        else {
            report(path, "expected two different rank names, like { \"r\", \"f\" }")
            return []
        }
        for name in names where !ranks.contains(name) {
            report(path, "'\(name)' is not a rank of this segmentation (ranks: \(ranks.joined(separator: ", ")))")
        }
        return names.allSatisfy(ranks.contains) ? names : []
    }
}
