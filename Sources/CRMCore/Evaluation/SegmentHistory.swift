/// A segmentation's past: segment sizes after each of its last runs, and how many customers
/// moved from which segment to which between two runs (`crm segment report`).
///
/// Both are rebuilt from what runs record: `segment_sizes` (written only by a run that changed
/// something; a run that changed nothing had the sizes of the run before) and `transitions`.
public struct SegmentHistory: Sendable {
    /// Sizes after one run, in segment order (declared segments first, then retired ones).
    public struct RunSizes: Sendable, Equatable {
        public let run: RunPoint
        public let sizes: [(segment: String, customers: Int)]

        public static func == (a: RunSizes, b: RunSizes) -> Bool {
            a.run == b.run && a.sizes.elementsEqual(b.sizes) { $0.segment == $1.segment && $0.customers == $1.customers }
        }
    }

    /// Customers who were in `from` after the first run and in `to` after the second; nil is
    /// "not classified".
    public struct Move: Sendable, Equatable {
        public let from: String?
        public let to: String?
        public let customers: Int
    }

    public let segmentation: String
    public let segments: [String]
    public let runs: [RunSizes]
    /// The two runs compared: nil `from` is "before the first run".
    public let from: RunPoint?
    public let to: RunPoint
    public let moves: [Move]

    /// The history of `segmentation` (declared `segments`): the last `lastRuns` runs' sizes and
    /// the moves between `fromRun` and `toRun` (default: the last two runs).
    public static func load(
        _ database: CRMDatabase, segmentation: String, segments declared: [String], lastRuns: Int = 10, fromRun: Int64? = nil,
        toRun: Int64? = nil
    ) throws -> SegmentHistory {
        let all = try database.segmentationRuns(segmentation)
        guard let last = all.last else {
            throw CRMError.notFound("segmentation '\(segmentation)' has not been run yet; run `crm segment run \(segmentation)` first")
        }
        let to = try toRun.map { try run($0, in: all, of: segmentation) } ?? last
        let from: RunPoint?
        if let fromRun {
            from = try run(fromRun, in: all, of: segmentation)
        } else {
            from = all.last { $0.id < to.id }
        }
        if let from, from.id >= to.id {
            throw CRMError.invalidArgument("--from \(from.id) must be an earlier run than --to \(to.id)")
        }
        let recorded = try database.recordedSizes(segmentation)
        var segments = declared
        for sizes in recorded.values {
            for segment in sizes.keys.sorted() where !segments.contains(segment) { segments.append(segment) }
        }
        var current: [String: Int] = [:]
        var runs: [RunSizes] = []
        for point in all {
            if let sizes = recorded[point.id] { current = sizes }
            runs.append(RunSizes(run: point, sizes: segments.map { ($0, current[$0] ?? 0) }))
        }
        let before = try from.map { try database.memberships(segmentation, atRun: $0.id) } ?? [:]
        let after = try database.memberships(segmentation, atRun: to.id)
        var counts: [Pair: Int] = [:]
        for (pk, segment) in after { counts[Pair(from: before[pk], to: segment), default: 0] += 1 }
        for (pk, segment) in before where after[pk] == nil { counts[Pair(from: segment, to: nil), default: 0] += 1 }
        let rank = { (segment: String?) in segment.flatMap { segments.firstIndex(of: $0) } ?? -1 }
        let moves = counts.map { Move(from: $0.key.from, to: $0.key.to, customers: $0.value) }
            .sorted { (rank($0.from), rank($0.to)) < (rank($1.from), rank($1.to)) }
        return SegmentHistory(
            segmentation: segmentation, segments: segments, runs: Array(runs.suffix(max(lastRuns, 1))), from: from, to: to, moves: moves)
    }

    private struct Pair: Hashable {
        let from: String?
        let to: String?
    }

    /// The succeeded run `id` of the segmentation, or an error listing its runs.
    static func run(_ id: Int64, in runs: [RunPoint], of segmentation: String) throws -> RunPoint {
        if let found = runs.first(where: { $0.id == id }) { return found }
        let known = runs.suffix(10).map { String($0.id) }.joined(separator: ", ")
        throw CRMError.notFound("run \(id) is not a succeeded run of segmentation '\(segmentation)' (its latest runs: \(known))")
    }
}
