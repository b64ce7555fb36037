/// A column of texts that repeat from customer to customer (cities, industries, category
/// lists): each distinct text is stored once and customers hold a 4-byte code, which keeps a
/// million-customer profile within its memory budget.
struct TextColumn: Sendable {
    private var codes: [Int32] = []
    private var texts: [String] = []
    private var codeOfText: [String: Int32] = [:]

    /// Appends `text` (nil: no value) and returns its code (-1 for nil).
    @discardableResult
    mutating func append(_ text: String?) -> Int32 {
        guard let text else {
            codes.append(-1)
            return -1
        }
        if let code = codeOfText[text] {
            codes.append(code)
            return code
        }
        let code = Int32(texts.count)
        texts.append(text)
        codeOfText[text] = code
        codes.append(code)
        return code
    }

    /// Appends a text already in the column, by the code `append(_:)` returned for it.
    mutating func append(code: Int32) {
        precondition(code < Int32(texts.count), "unknown text code \(code)")
        codes.append(code)
    }

    subscript(row: Int) -> String? {
        let code = codes[row]
        return code < 0 ? nil : texts[Int(code)]
    }

    var count: Int { codes.count }

    mutating func reserveCapacity(_ rows: Int) { codes.reserveCapacity(rows) }
}
