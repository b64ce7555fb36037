/// The customers a segmentation run moves, kept compactly: segments as small codes and every
/// reason in one byte buffer, so a first run over a million customers holds no `String` per
/// customer until it writes.
struct SegmentChanges {
    /// Segment names by code: the declared segments first, then stored segments the plugin no
    /// longer declares (customers can still move out of them).
    private(set) var names: [String]
    /// Profile row of each change.
    private(set) var rows: [Int32] = []
    private(set) var to: [Int16] = []
    /// The previous segment's code, or `none`.
    private(set) var from: [Int16] = []
    private var reasonBytes: [UInt8] = []
    /// End of each change's reason in `reasonBytes`; negative for no reason.
    private var reasonEnds: [Int] = []

    static let none: Int16 = -1

    init(declared: [String]) {
        names = declared
    }

    var count: Int { rows.count }

    /// Makes room for `changes` changes (memory untouched until used is not resident).
    mutating func reserveCapacity(_ changes: Int) {
        rows.reserveCapacity(changes)
        to.reserveCapacity(changes)
        from.reserveCapacity(changes)
        reasonEnds.reserveCapacity(changes)
        reasonBytes.reserveCapacity(changes * 64)
    }

    /// The code of `name`, adding it after the declared segments when it is new.
    mutating func code(of name: String) -> Int16 {
        if let index = names.firstIndex(of: name) { return Int16(index) }
        names.append(name)
        return Int16(names.count - 1)
    }

    mutating func append(row: Int, from: Int16, to: Int16, reason: String?) {
        rows.append(Int32(row))
        self.from.append(from)
        self.to.append(to)
        if let reason {
            reasonBytes.append(contentsOf: reason.utf8)
            reasonEnds.append(reasonBytes.count)
        } else {
            reasonEnds.append(-1 - reasonBytes.count)
        }
    }

    func name(_ code: Int16) -> String? {
        code == Self.none ? nil : names[Int(code)]
    }

    func reason(_ change: Int) -> String? {
        withReason(change) { bytes in bytes.map { String(decoding: $0, as: UTF8.self) } }
    }

    /// Calls `body` with the UTF-8 bytes of a change's reason (nil for none), without copying.
    func withReason<Result>(_ change: Int, _ body: (UnsafeBufferPointer<UInt8>?) throws -> Result) rethrows -> Result {
        let end = reasonEnds[change]
        guard end >= 0 else { return try body(nil) }
        let previous = change == 0 ? 0 : reasonEnds[change - 1]
        let start = previous >= 0 ? previous : -1 - previous
        return try reasonBytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start..<end])) }
    }

    /// How many changes came from a previous segment (updates) rather than from none (inserts).
    var updates: Int { from.count { $0 != Self.none } }
}
