/// The one rule of "a run writes only what changed", shared by memberships
/// (`SegmentChanges.between`), scores (`ScoreStore.changes`) and computed fields
/// (`FieldStore.replace`): every profile row has its new value and the stored one (nil when none
/// is stored, read in key order through `KeyedRows`); only the rows where the two differ are
/// written.
enum RowChanges {
    /// The rows whose `new` value differs from the `stored` one, in row order.
    static func rows<Value: Equatable>(new: [Value], stored: [Value]) -> [Int] {
        precondition(new.count == stored.count, "one stored value per row")
        return new.indices.filter { new[$0] != stored[$0] }
    }

    /// Each row's stored value: `read` calls its argument with (customer key, value) in key order.
    static func stored<Value>(
        pks: [Int64], absent: Value, _ read: ((Int64, Value) -> Void) throws -> Void
    ) rethrows -> [Value] {
        var values = [Value](repeating: absent, count: pks.count)
        var rows = KeyedRows(pks)
        try read { pk, value in
            if let row = rows.row(of: pk) { values[row] = value }
        }
        return values
    }
}
