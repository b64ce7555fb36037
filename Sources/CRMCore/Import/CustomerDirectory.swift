import GRDB

/// The customers known when an import of orders or interactions starts: id → row key.
///
/// Loaded once per import so each record resolves its customer without a query. Ids that are
/// plain numbers (the usual customer numbers) go into a dense array indexed by the number, so
/// resolving them makes no `String` and hashes nothing; other ids use a dictionary.
final class CustomerDirectory {
    /// 1 at the index of every customer whose id (and key) is that number, in the dense range.
    private var numeric: [UInt8] = []
    private var others: [String: Int64] = [:]

    /// Loads every customer of the database. A customer with a numeric id is keyed by it
    /// (`RowKeys`), so only the keys are read; texts only for the others.
    init(_ db: Database) throws {
        var count = 0
        try ImportStore.forEachCustomerKey(db) { pk, text in
            count += 1
            if let text {
                others[String(decoding: text, as: UTF8.self)] = pk
            } else if pk < 4 * count + 1_000_000 {
                // Dense only while it stays small: at most 4 slots per customer (plus slack).
                let index = Int(pk)
                if index >= numeric.count { numeric.append(contentsOf: repeatElement(0, count: index - numeric.count + 1)) }
                numeric[index] = 1
            } else {
                others[String(pk)] = pk
            }
        }
    }

    /// The row key of the record's `customer_id`, or nil with a problem reported.
    func resolve(_ reader: inout FieldReader) -> Int64? {
        guard let id = reader.identifier("customer_id") else { return nil }
        if let key = key(id) { return key }
        reader.report("customer_id", "\(ValueError.quoted(String(decoding: id, as: UTF8.self))) is not a known customer; import the customers first")
        return nil
    }

    private func key(_ id: UnsafeBufferPointer<UInt8>) -> Int64? {
        if let number = RowKeys.number(id), number < numeric.count, numeric[Int(number)] != 0 {
            return number
        }
        // A numeric id beyond the dense range, or a text id, lives in the dictionary.
        return others[String(decoding: id, as: UTF8.self)]
    }
}
