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
        var data = Data(capacity: orders.count * orderEntrySize)
        for entry in orders {
            append(entry.time, to: &data)
            append(entry.amount, to: &data)
            append(entry.quantity, to: &data)
            append(entry.category, to: &data)
        }
        return data
    }

    static func encode(interactions: [InteractionEntry]) -> Data {
        var data = Data(capacity: interactions.count * interactionEntrySize)
        for entry in interactions {
            append(entry.time, to: &data)
            append(entry.kind, to: &data)
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

    private static func append<T: FixedWidthInteger>(_ value: T, to data: inout Data) {
        withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
    }

    private static func load<T: FixedWidthInteger>(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> T {
        T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}
