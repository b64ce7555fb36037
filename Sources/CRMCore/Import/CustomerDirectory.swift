import GRDB

/// The customers known when an import of orders or interactions starts: id → row key.
///
/// Loaded once per import so each record resolves its customer without a query. Ids that are
/// plain numbers (the usual customer numbers) go into a dense array indexed by the number, so
/// resolving them makes no `String` and hashes nothing; other ids use a dictionary.
final class CustomerDirectory {
    private var numeric: [Int64] = []
    private var others: [String: Int64] = [:]
    /// Keys of the customers records resolved to: their activity digests need a rebuild.
    private(set) var touched: Set<Int64> = []

    /// Loads every customer of the database.
    init(_ db: Database) throws {
        var count = 0
        try ImportStore.forEachCustomerKey(db) { id, pk in
            count += 1
            // Dense only while it stays small: at most 4 slots per customer (plus slack).
            if let number = Self.number(id), number < 4 * count + 1_000_000 {
                let index = Int(number)
                if index >= numeric.count { numeric.append(contentsOf: repeatElement(0, count: index - numeric.count + 1)) }
                numeric[index] = pk
            } else {
                others[String(decoding: id, as: UTF8.self)] = pk
            }
        }
    }

    /// The row key of the record's `customer_id`, or nil with a problem reported.
    func resolve(_ reader: inout FieldReader) -> Int64? {
        guard let id = reader.identifier("customer_id") else { return nil }
        if let key = key(id) {
            touched.insert(key)
            return key
        }
        reader.report("customer_id", "\(ValueError.quoted(String(decoding: id, as: UTF8.self))) is not a known customer; import the customers first")
        return nil
    }

    private func key(_ id: UnsafeBufferPointer<UInt8>) -> Int64? {
        if let number = Self.number(id) {
            if number < numeric.count, numeric[Int(number)] != 0 { return numeric[Int(number)] }
            // A numeric id beyond the dense range lives in the dictionary.
        }
        return others[String(decoding: id, as: UTF8.self)]
    }

    /// The id as a number when it is a plain non-negative integer without leading zeros
    /// (so that "007" and "7" stay different customers), else nil.
    private static func number(_ id: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard !id.isEmpty, id.count <= 15, id.count == 1 || id[0] != UInt8(ascii: "0") else { return nil }
        var value: Int64 = 0
        for byte in id {
            guard byte >= 48, byte <= 57 else { return nil }
            value = value * 10 + Int64(byte - 48)
        }
        return value
    }
}
