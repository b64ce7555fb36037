import GRDB
import LuaBridge

/// Every profiled customer's current segment in each segmentation, for `c.segments`: read
/// once per follow-up run, one scan of each segmentation's memberships in key order (they do
/// not change while actions fire), instead of looking up each batch's customers.
struct CurrentSegments: Sendable {
    private struct Segmentation: Sendable {
        let name: String
        /// Segment names by the codes in `codes`.
        let names: [String]
        /// The segment code of each profile row; `SegmentChanges.none` when the customer has none.
        let codes: [Int16]
    }

    private let segmentations: [Segmentation]

    /// Nobody's segments: a candidate that is not asked.
    static let none = CurrentSegments(segmentations: [Segmentation]())

    private init(segmentations: [Segmentation]) { self.segmentations = segmentations }

    init(_ db: Database, segmentations: [String], pks: [Int64]) throws {
        self.segmentations = try segmentations.map { name in
            var changes = SegmentChanges(declared: [])
            let codes = try MembershipStore.current(db, segmentation: name, pks: pks, changes: &changes)
            return Segmentation(name: name, names: changes.names, codes: codes)
        }
    }

    /// The segment code in each segmentation of the customer in profile row `row`: equal codes,
    /// equal `table(row:)`.
    func codes(row: Int) -> [Int16] {
        segmentations.map { $0.codes[row] }
    }

    /// `{segmentation = segment}` of the customer in profile row `row`.
    func table(row: Int) -> LuaValue {
        var table: [LuaValue: LuaValue] = [:]
        for segmentation in segmentations {
            let code = segmentation.codes[row]
            if code != SegmentChanges.none { table[.string(segmentation.name)] = .string(segmentation.names[Int(code)]) }
        }
        return .table(table)
    }
}

extension CurrentSegments {
    /// Read on first use (or taken from a read started earlier), then kept for the rest of one
    /// follow-up run.
    final class Once {
        private var loaded: CurrentSegments?
        private let prefetched: Background<Result<CurrentSegments, any Error>>?

        init(prefetched: Background<Result<CurrentSegments, any Error>>? = nil) {
            self.prefetched = prefetched
        }

        func segments(_ db: Database, segmentations: [String], pks: [Int64]) throws -> CurrentSegments {
            if let loaded { return loaded }
            let segments = try prefetched?.wait().get() ?? CurrentSegments(db, segmentations: segmentations, pks: pks)
            loaded = segments
            return segments
        }
    }
}

/// The `c.segments` tables of one action's firings, made once per combination of segments:
/// customers share a few thousand combinations, and making each firing's table (a dictionary
/// of names) was a tenth of the plugin's Lua thread in a first run's follow-up stage. Used on
/// that thread only.
final class SegmentTables {
    /// Combinations kept at most; others are made each time.
    static let limit = 4096
    private var tables: [[Int16]: LuaValue] = [:]

    func table(of segments: CurrentSegments, row: Int) -> LuaValue {
        let key = segments.codes(row: row)
        if let known = tables[key] { return known }
        let table = segments.table(row: row)
        if tables.count < Self.limit { tables[key] = table }
        return table
    }
}
