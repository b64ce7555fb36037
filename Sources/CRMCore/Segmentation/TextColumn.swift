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
        let code = text.map { intern($0) } ?? -1
        codes.append(code)
        return code
    }

    /// The code of `text`, adding it to the distinct texts (not to the rows) when it is new.
    mutating func intern(_ text: String) -> Int32 {
        if let code = codeOfText[text] { return code }
        let code = Int32(texts.count)
        texts.append(text)
        codeOfText[text] = code
        return code
    }

    /// The text of a code `intern(_:)` returned.
    func text(code: Int32) -> String? {
        code < 0 ? nil : texts[Int(code)]
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

    /// Each row's code (-1: no value) and the distinct texts the codes index, for keeping the
    /// column on disk (`KeptProfileStore`).
    var rowCodes: [Int32] { codes }
    var distinctTexts: [String] { texts }

    /// A column from `rowCodes` and `distinctTexts` as read back; nil when a code is out of range.
    init?(rowCodes: [Int32], distinctTexts: [String]) {
        let limit = Int32(distinctTexts.count)
        guard rowCodes.allSatisfy({ $0 >= -1 && $0 < limit }) else { return nil }
        codes = rowCodes
        texts = distinctTexts
        codeOfText = Dictionary(distinctTexts.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { first, _ in first })
    }

    init() {}

    /// Replaces every row's code by `codes`, which must be codes of this column's texts.
    mutating func replaceRowCodes(_ codes: [Int32]) {
        precondition(codes.allSatisfy { $0 < Int32(texts.count) }, "unknown text code")
        self.codes = codes
    }

    mutating func reserveCapacity(_ rows: Int) { codes.reserveCapacity(rows) }
}
