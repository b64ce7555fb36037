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

extension ActivityDigest {
    /// An entry of either digest, as an import merges it into a stored digest (`DigestMerge`,
    /// `ActivityDelta`): an order uses every field, an interaction its time and label (the kind),
    /// with amount and quantity 0.
    struct Entry: Equatable {
        var time: Int64
        var amount: Int64 = 0
        var quantity: Int32 = 0
        var label: Int32
    }

    /// The columns of `column`'s source table (`orders`, `interactions`) an entry is made of, in
    /// the order `entry` reads them: the time first, the labelled text last.
    static func sourceColumns(_ column: ActivityStore.Column) -> [String] {
        column == .orders ? ["ordered_at", "amount", "quantity", "category"] : ["occurred_at", "kind"]
    }

    /// The entry of a row whose `sourceColumns` are read by `integer` (all but the last) and
    /// `text` (the last), exactly as `ActivityStore.rebuild` makes it.
    static func entry(
        _ column: ActivityStore.Column, integer: (Int) -> Int64?, text: () -> String?, labels: ActivityStore.Labels
    ) throws -> Entry {
        switch column {
        case .orders:
            return Entry(
                time: integer(0) ?? 0, amount: integer(1) ?? 0, quantity: Int32(clamping: integer(2) ?? -1),
                label: try labels.id(text()))
        case .interactions:
            return Entry(time: integer(0) ?? 0, label: try labels.id(text()))
        }
    }

    static func entries(_ column: ActivityStore.Column, _ bytes: UnsafeRawBufferPointer) -> [Entry] {
        var entries: [Entry] = []
        switch column {
        case .orders:
            entries.reserveCapacity(bytes.count / orderEntrySize)
            forEachOrder(bytes) { entries.append(Entry(time: $0.time, amount: $0.amount, quantity: $0.quantity, label: $0.category)) }
        case .interactions:
            entries.reserveCapacity(bytes.count / interactionEntrySize)
            forEachInteraction(bytes) { entries.append(Entry(time: $0.time, label: $0.kind)) }
        }
        return entries
    }

    static func encode(_ column: ActivityStore.Column, _ entries: [Entry]) -> Data {
        switch column {
        case .orders:
            return encode(orders: entries.map { OrderEntry(time: $0.time, amount: $0.amount, quantity: $0.quantity, category: $0.label) })
        case .interactions:
            return encode(interactions: entries.map { InteractionEntry(time: $0.time, kind: $0.label) })
        }
    }
}
