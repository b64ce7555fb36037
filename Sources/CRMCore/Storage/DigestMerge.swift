/// Applies an import's changes to one customer's stored digest without reading their rows:
/// the entries of replaced rows come out, the entries of written rows go in, and the result is
/// the digest `ActivityStore.rebuild` would give, or nil when that cannot be known from the
/// entries alone.
///
/// A digest is sorted by time; `rebuild` orders entries of the same instant by row key, which
/// a digest does not store. So where the result depends on that order it is not guessed: an
/// instant whose entries are not all equal, and that gains an entry or loses one of several
/// equal ones, makes the merge give up (the caller then rebuilds that customer from the table).
/// Equal entries are interchangeable, so their order never matters.
enum DigestMerge {
    typealias Entry = ActivityDigest.Entry

    static func merged(_ stored: [Entry], removing: [Entry], adding: [Entry]) -> [Entry]? {
        var current = stored
        for old in removing {
            let range = tie(old.time, in: current)
            guard let index = current[range].firstIndex(of: old) else { return nil }  // not there: the digest is stale
            let equal = current[range].count { $0 == old }
            if equal > 1 && equal < range.count { return nil }  // which of the equal ones goes decides the order
            current.remove(at: index)
        }
        guard !adding.isEmpty else { return current }
        let added = zip(adding, adding.dropFirst()).allSatisfy({ $0.time <= $1.time }) ? adding : adding.sorted { $0.time < $1.time }
        var result: [Entry] = []
        result.reserveCapacity(current.count + added.count)
        var i = 0
        var j = 0
        while j < added.count {
            let time = added[j].time
            while i < current.count && current[i].time < time {
                result.append(current[i])
                i += 1
            }
            // Every entry at `time`, stored and added: unambiguous only when all are equal.
            let first = result.count
            while i < current.count && current[i].time == time {
                result.append(current[i])
                i += 1
            }
            while j < added.count && added[j].time == time {
                result.append(added[j])
                j += 1
            }
            let sample = result[first]
            if result[first...].contains(where: { $0 != sample }) { return nil }
        }
        result.append(contentsOf: current[i...])
        return result
    }

    /// The positions of the entries at `time` in `entries` (sorted by time).
    private static func tie(_ time: Int64, in entries: [Entry]) -> Range<Int> {
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].time < time { low = middle + 1 } else { high = middle }
        }
        var end = low
        while end < entries.count && entries[end].time == time { end += 1 }
        return low..<end
    }
}
