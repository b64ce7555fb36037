import CLua

/// A reusable Lua table with fixed fields that the host overwrites before each call, for
/// hot loops such as classifying a million customers.
///
/// Keys are interned once; each call writes only the fields set since the previous call, so
/// no table is created per call. Plugins must treat the table as read-only: a field the host
/// does not set again keeps its value.
///
/// ```swift
/// let customer = try state.makeRecord(fields: ["order_count", "monetary"])
/// customer.set(0, 3)
/// customer.set(1, 129.5)
/// let (segment, reason) = try state.call(classify, record: customer)
/// ```
public final class LuaRecord {
    let state: LuaState
    let record: UnsafeMutablePointer<crm_record>
    /// The field names, in the order their indexes refer to.
    public let fields: [String]

    init(state: LuaState, fields: [String]) {
        self.state = state
        self.fields = fields
        let storage = UnsafeMutablePointer<crm_field>.allocate(capacity: max(fields.count, 1))
        storage.initialize(repeating: crm_field(), count: max(fields.count, 1))
        record = .allocate(capacity: 1)
        record.initialize(to: crm_record(table: 0, keys: 0, count: Int32(fields.count), fields: storage))
    }

    deinit {
        state.release(record.pointee.table)
        state.release(record.pointee.keys)
        crm_record_free(record)
        record.deallocate()
    }

    /// The index of a field name, for use with the `set` methods.
    public func index(of field: String) -> Int? { fields.firstIndex(of: field) }

    /// Sets a field to an integer.
    public func set(_ field: Int, _ value: Int64) {
        update(field) { $0.type = Int32(CRM_INTEGER); $0.integer = value }
    }

    /// Sets a field to a float.
    public func set(_ field: Int, _ value: Double) {
        update(field) { $0.type = Int32(CRM_NUMBER); $0.number = value }
    }

    /// Sets a field to a boolean.
    public func set(_ field: Int, _ value: Bool) {
        update(field) { $0.type = Int32(CRM_BOOLEAN); $0.integer = value ? 1 : 0 }
    }

    /// Sets a field to a string, or to `nil`.
    public func set(_ field: Int, _ value: String?) {
        guard var value else { return update(field) { $0.type = Int32(CRM_NIL) } }
        let slot = pointer(field)
        let status = value.withUTF8 { crm_field_set_string(slot, $0.baseAddress, $0.count) }
        precondition(status == 0, "out of memory while setting a record field")
    }

    private func pointer(_ field: Int) -> UnsafeMutablePointer<crm_field> {
        precondition(fields.indices.contains(field), "record has no field #\(field)")
        return record.pointee.fields + field
    }

    private func update(_ field: Int, _ change: (inout crm_field) -> Void) {
        let slot = pointer(field)
        change(&slot.pointee)
        slot.pointee.dirty = 1
    }
}
