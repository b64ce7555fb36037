import Foundation

/// One customer's orders or interactions packed into a blob of fixed-width little-endian
/// entries sorted by time, kept in `customer_activity` so a segmentation run reads one row per
/// customer instead of every order (see docs/architecture.md).
///
/// Orders: time Int64, amount Int64, quantity Int32 (-1 unknown), category label Int32 (-1 none).
/// Interactions: time Int64, kind label Int32.
enum ActivityDigest {
    static let orderEntrySize = 24
    static let interactionEntrySize = 12

    struct OrderEntry: Equatable {
        var time: Int64
        var amount: Int64
        var quantity: Int32
        var category: Int32
    }

    struct InteractionEntry: Equatable {
        var time: Int64
        var kind: Int32
    }

    static func encode(orders: [OrderEntry]) -> Data {
        var data = Data(count: orders.count * orderEntrySize)
        data.withUnsafeMutableBytes { bytes in
            for (index, entry) in orders.enumerated() {
                let offset = index * orderEntrySize
                bytes.storeBytes(of: entry.time.littleEndian, toByteOffset: offset, as: Int64.self)
                bytes.storeBytes(of: entry.amount.littleEndian, toByteOffset: offset + 8, as: Int64.self)
                bytes.storeBytes(of: entry.quantity.littleEndian, toByteOffset: offset + 16, as: Int32.self)
                bytes.storeBytes(of: entry.category.littleEndian, toByteOffset: offset + 20, as: Int32.self)
            }
        }
        return data
    }

    static func encode(interactions: [InteractionEntry]) -> Data {
        var data = Data(count: interactions.count * interactionEntrySize)
        data.withUnsafeMutableBytes { bytes in
            for (index, entry) in interactions.enumerated() {
                let offset = index * interactionEntrySize
                bytes.storeBytes(of: entry.time.littleEndian, toByteOffset: offset, as: Int64.self)
                bytes.storeBytes(of: entry.kind.littleEndian, toByteOffset: offset + 8, as: Int32.self)
            }
        }
        return data
    }

    /// Calls `body` for each order entry of `bytes`.
    static func forEachOrder(_ bytes: UnsafeRawBufferPointer, _ body: (OrderEntry) -> Void) {
        var offset = 0
        while offset + orderEntrySize <= bytes.count {
            body(OrderEntry(
                time: load(bytes, offset), amount: load(bytes, offset + 8), quantity: load(bytes, offset + 16),
                category: load(bytes, offset + 20)))
            offset += orderEntrySize
        }
    }

    static func forEachInteraction(_ bytes: UnsafeRawBufferPointer, _ body: (InteractionEntry) -> Void) {
        var offset = 0
        while offset + interactionEntrySize <= bytes.count {
            body(InteractionEntry(time: load(bytes, offset), kind: load(bytes, offset + 8)))
            offset += interactionEntrySize
        }
    }

    private static func load<T: FixedWidthInteger>(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> T {
        T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}

/// An entry of a digest, orders or interactions: what merging new entries into a stored digest
/// needs to know of either kind (`DigestMerge`, `ActivityDelta`).
protocol DigestEntry: Equatable {
    var time: Int64 { get }
    /// The digest column of `customer_activity` holding entries of this kind.
    static var column: ActivityStore.Column { get }
    /// The columns of the source table (`orders`, `interactions`) an entry is made of, in the
    /// order `make` reads them: the time first, a label text last.
    static var sourceColumns: [String] { get }
    /// The entry of a row whose `sourceColumns` are read by `integer` (all but the last) and
    /// `text` (the last, a text stored as its label id), exactly as `ActivityStore.rebuild` makes it.
    static func make(integer: (Int) -> Int64?, text: () -> String?, labels: ActivityStore.Labels) throws -> Self
    static func decode(_ bytes: UnsafeRawBufferPointer) -> [Self]
    static func encode(_ entries: [Self]) -> Data
}

extension ActivityDigest.OrderEntry: DigestEntry {
    static var column: ActivityStore.Column { .orders }
    static var sourceColumns: [String] { ["ordered_at", "amount", "quantity", "category"] }

    static func make(integer: (Int) -> Int64?, text: () -> String?, labels: ActivityStore.Labels) throws -> Self {
        Self(
            time: integer(0) ?? 0, amount: integer(1) ?? 0, quantity: Int32(clamping: integer(2) ?? -1),
            category: try labels.id(text()))
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) -> [Self] {
        var entries: [Self] = []
        entries.reserveCapacity(bytes.count / ActivityDigest.orderEntrySize)
        ActivityDigest.forEachOrder(bytes) { entries.append($0) }
        return entries
    }

    static func encode(_ entries: [Self]) -> Data { ActivityDigest.encode(orders: entries) }
}

extension ActivityDigest.InteractionEntry: DigestEntry {
    static var column: ActivityStore.Column { .interactions }
    static var sourceColumns: [String] { ["occurred_at", "kind"] }

    static func make(integer: (Int) -> Int64?, text: () -> String?, labels: ActivityStore.Labels) throws -> Self {
        Self(time: integer(0) ?? 0, kind: try labels.id(text()))
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) -> [Self] {
        var entries: [Self] = []
        entries.reserveCapacity(bytes.count / ActivityDigest.interactionEntrySize)
        ActivityDigest.forEachInteraction(bytes) { entries.append($0) }
        return entries
    }

    static func encode(_ entries: [Self]) -> Data { ActivityDigest.encode(interactions: entries) }
}
