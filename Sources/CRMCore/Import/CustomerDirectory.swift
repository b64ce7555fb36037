/// The customers known when an import of orders or interactions starts: id → row key.
///
/// Loaded once per import (about 32 MB for a million customers) so each record resolves its
/// customer without a query.
final class CustomerDirectory {
    private let keys: [String: Int64]
    /// Keys of the customers records resolved to: their activity digests need a rebuild.
    private(set) var touched: Set<Int64> = []

    init(keys: [String: Int64]) {
        self.keys = keys
    }

    /// The row key of the record's `customer_id`, or nil with a problem reported.
    func resolve(_ reader: inout FieldReader) -> Int64? {
        guard let id = reader.identifier("customer_id") else { return nil }
        if let key = keys[String(decoding: id, as: UTF8.self)] {
            touched.insert(key)
            return key
        }
        reader.report("customer_id", "\(ValueError.quoted(String(decoding: id, as: UTF8.self))) is not a known customer; import the customers first")
        return nil
    }
}
