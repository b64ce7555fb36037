import GRDB

/// What a follow-up run reads before it writes, read on the database's reader connections while
/// the writer fires actions: the next action's unseen transitions while this action fires, and
/// everyone's current segments while the first action's transitions are read. In a first run
/// of all segmentations at 1M customers the writer spent about 1.7 s on these reads while the
/// plugin's Lua thread waited (docs/decisions.md).
///
/// Made inside the run's write transaction, which holds the database's write lock: nothing can
/// commit until it ends, so each read sees what the writer would see (the transitions and
/// memberships the segmentations committed, the cursors as they were before this run moves
/// them; each action's own cursor is moved only after its transitions are read).
final class FollowUpReads {
    private let database: CRMDatabase
    private let actions: [FollowUpRun.Action]
    private let classified: Int
    /// The transitions of the action with this index, being read.
    private var next: (index: Int, reading: Background<Result<[FollowUpEvent], any Error>>)?
    /// Everyone's segments, being read; nil when no transition came since the actions' cursors
    /// (a run with no change reads them only if a stay or a retry asks).
    let segments: Background<Result<CurrentSegments, any Error>>?

    /// Starts reading the first action's transitions and, when any came since the actions'
    /// cursors, everyone's current segments. `db` is the run's write transaction.
    init(_ db: Database, database: CRMDatabase, actions: [FollowUpRun.Action], segmentations: [String], profiles: ProfileTable) throws {
        self.database = database
        self.actions = actions
        classified = profiles.count
        let unseen = try FollowUpStore.anyUnseen(db, actions: actions.map(\.definition.name))
        let pks = profiles.pks
        segments = unseen ? Background { Result { try database.read { db in try CurrentSegments(db, segmentations: segmentations, pks: pks) } } } : nil
        next = actions.isEmpty ? nil : (0, start(0))
    }

    /// The unseen transitions of `actions[index]` into or out of its trigger's segments (none
    /// for a stay), and starts reading the next action's.
    func transitions(of index: Int) throws -> [FollowUpEvent] {
        let reading = next.flatMap { $0.index == index ? $0.reading : nil } ?? start(index)
        let result = reading.wait()
        next = index + 1 < actions.count ? (index + 1, start(index + 1)) : nil
        return try result.get()
    }

    private func start(_ index: Int) -> Background<Result<[FollowUpEvent], any Error>> {
        let action = actions[index].definition
        let trigger = action.trigger
        let (database, classified) = (database, classified)
        return Background {
            Result {
                guard trigger.kind != .stay else { return [] }
                return try database.read { db in
                    try FollowUpStore.transitions(
                        db, after: action.name, segmentation: trigger.segmentation,
                        into: trigger.kind == .enter ? trigger.segments : nil, outOf: trigger.kind == .leave ? trigger.segments : nil,
                        classified: classified)
                }
            }
        }
    }
}
