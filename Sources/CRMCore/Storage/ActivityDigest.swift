import Foundation

/// One customer's orders or interactions packed into a blob of entries sorted by time, kept in
/// `customer_activity` so a segmentation run reads one row per customer instead of every order
/// (see docs/architecture.md).
///
/// Each entry is a few LEB128 varints (signed values zigzag-encoded):
/// - the time as its distance from the entry before (from 0 for the first), in whole seconds
///   with the low bit set when a remainder of microseconds (0 < r < 1,000,000) follows;
/// - orders: amount, then one byte for quantity (-1 unknown) and category label (-1 none):
///   `(label + 1) << 3 | (quantity + 1)`, where a label + 1 of 15 or a quantity + 1 of 7 says
///   the value did not fit and follows as a varint (quantity first);
/// - interactions: kind label.
///
/// A customer's orders a month apart with amounts in cents take 7–8 bytes each instead of the
/// 24 of fixed-width fields (issue 13's size target; measured in docs/decisions.md).
enum ActivityDigest {
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
        var writer = Writer(capacity: orders.count * 10)
        for entry in orders {
            writer.time(entry.time)
            writer.signed(entry.amount)
            writer.quantityAndLabel(entry.quantity, entry.category)
        }
        return Data(writer.bytes)
    }

    static func encode(interactions: [InteractionEntry]) -> Data {
        var writer = Writer(capacity: interactions.count * 6)
        for entry in interactions {
            writer.time(entry.time)
            writer.signed(Int64(entry.kind))
        }
        return Data(writer.bytes)
    }

    /// Calls `body` for each order entry of `bytes`; stops at the first entry the blob ends in.
    static func forEachOrder(_ bytes: UnsafeRawBufferPointer, _ body: (OrderEntry) -> Void) {
        var reader = Reader(bytes)
        while let time = reader.time(), let amount = reader.signed(), let (quantity, category) = reader.quantityAndLabel() {
            body(OrderEntry(time: time, amount: amount, quantity: quantity, category: category))
        }
    }

    static func forEachInteraction(_ bytes: UnsafeRawBufferPointer, _ body: (InteractionEntry) -> Void) {
        var reader = Reader(bytes)
        while let time = reader.time(), let kind = reader.signed() {
            body(InteractionEntry(time: time, kind: Int32(truncatingIfNeeded: kind)))
        }
    }

    private static let microsecondsPerSecond: Int64 = 1_000_000
    /// The packed byte's escapes: its 3 quantity bits and 4 label bits all set.
    private static let quantityEscape: Int32 = 7
    private static let labelEscape: Int32 = 15

    /// Appends varints; times as the distance from the previous one.
    private struct Writer {
        /// An array, not `Data`, whose every append goes through its inline-or-heap representation.
        var bytes: [UInt8] = []
        private var previousTime: Int64 = 0

        init(capacity: Int) {
            bytes.reserveCapacity(capacity)
        }

        mutating func time(_ time: Int64) {
            let distance = time &- previousTime
            previousTime = time
            // Floor division, so the remainder is never negative and the pair covers every Int64.
            var seconds = distance / microsecondsPerSecond
            var remainder = distance % microsecondsPerSecond
            if remainder < 0 {
                seconds -= 1
                remainder += microsecondsPerSecond
            }
            unsigned(zigzag(seconds) << 1 | (remainder == 0 ? 0 : 1))
            if remainder != 0 { unsigned(UInt64(remainder)) }
        }

        mutating func signed(_ value: Int64) {
            unsigned(zigzag(value))
        }

        mutating func quantityAndLabel(_ quantity: Int32, _ label: Int32) {
            let quantityBits = quantity >= -1 && quantity < quantityEscape - 1 ? quantity + 1 : quantityEscape
            let labelBits = label >= -1 && label < labelEscape - 1 ? label + 1 : labelEscape
            bytes.append(UInt8(labelBits << 3 | quantityBits))
            if quantityBits == quantityEscape { signed(Int64(quantity)) }
            if labelBits == labelEscape { signed(Int64(label)) }
        }

        mutating func unsigned(_ value: UInt64) {
            LEB128.append(value, to: &bytes)
        }

        private func zigzag(_ value: Int64) -> UInt64 {
            UInt64(bitPattern: (value << 1) ^ (value >> 63))
        }
    }

    /// Reads what `Writer` wrote; nil at the end of the blob or in a varint it cuts short.
    private struct Reader {
        private let bytes: UnsafeRawBufferPointer
        private var offset = 0
        private var previousTime: Int64 = 0

        init(_ bytes: UnsafeRawBufferPointer) {
            self.bytes = bytes
        }

        mutating func time() -> Int64? {
            guard let head = unsigned() else { return nil }
            var distance = unzigzag(head >> 1) &* microsecondsPerSecond
            if head & 1 == 1 {
                guard let remainder = unsigned() else { return nil }
                distance = distance &+ Int64(bitPattern: remainder)
            }
            previousTime = previousTime &+ distance
            return previousTime
        }

        mutating func signed() -> Int64? {
            unsigned().map(unzigzag)
        }

        mutating func quantityAndLabel() -> (Int32, Int32)? {
            guard offset < bytes.count, bytes[offset] < 0x80 else { return nil }
            let packed = Int32(bytes[offset])
            offset += 1
            var quantity = (packed & quantityEscape) - 1
            var label = (packed >> 3) - 1
            if quantity + 1 == quantityEscape {
                guard let value = signed() else { return nil }
                quantity = Int32(truncatingIfNeeded: value)
            }
            if label + 1 == labelEscape {
                guard let value = signed() else { return nil }
                label = Int32(truncatingIfNeeded: value)
            }
            return (quantity, label)
        }

        mutating func unsigned() -> UInt64? {
            LEB128.read(bytes, at: &offset)
        }

        private func unzigzag(_ value: UInt64) -> Int64 {
            Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
        }
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
            entries.reserveCapacity(bytes.count / 8)
            forEachOrder(bytes) { entries.append(Entry(time: $0.time, amount: $0.amount, quantity: $0.quantity, label: $0.category)) }
        case .interactions:
            entries.reserveCapacity(bytes.count / 4)
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
