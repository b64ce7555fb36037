/// One custom field's values for every customer, stored compactly: a kind byte and an 8-byte
/// payload per customer, texts once per distinct value (a `[ProfileValue]` takes 24 bytes a
/// customer plus a heap string for every longer text).
struct ProfileColumn: Sendable {
    private enum Kind: UInt8 {
        case missing, integer, number, text, boolean
    }

    private var kinds: [Kind]
    private var payloads: [Int64]
    private var texts = TextColumn()

    /// `count` rows of `value`.
    init(repeating value: ProfileValue, count: Int) {
        kinds = []
        payloads = []
        let (kind, payload) = encode(value)
        kinds = [Kind](repeating: kind, count: count)
        payloads = [Int64](repeating: payload, count: count)
    }

    init(_ values: some Sequence<ProfileValue>) {
        kinds = []
        payloads = []
        kinds.reserveCapacity(values.underestimatedCount)
        payloads.reserveCapacity(values.underestimatedCount)
        for value in values {
            let (kind, payload) = encode(value)
            kinds.append(kind)
            payloads.append(payload)
        }
    }

    var count: Int { kinds.count }

    /// A column of the rows `merge` picks from `kept`'s and `rebuilt`'s arrays (called once for
    /// the kinds, once for the payloads), with `rebuilt`'s texts recoded into `kept`'s.
    init(merging kept: ProfileColumn, _ rebuilt: ProfileColumn, _ merge: ([UInt8], [UInt8]) -> [UInt8], _ mergePayloads: ([Int64], [Int64]) -> [Int64]) {
        var texts = kept.texts
        let recode = rebuilt.texts.distinctTexts.map { Int64(texts.intern($0)) }
        var payloads = rebuilt.payloads
        for (row, kind) in rebuilt.kinds.enumerated() where kind == .text { payloads[row] = recode[Int(payloads[row])] }
        kinds = merge(kept.kinds.map(\.rawValue), rebuilt.kinds.map(\.rawValue)).map { Kind(rawValue: $0)! }
        self.payloads = mergePayloads(kept.payloads, payloads)
        self.texts = texts
    }

    /// Each row's kind (a byte) and payload, and the distinct texts text payloads index, for
    /// keeping the column on disk (`KeptProfileStore`).
    var kindBytes: [UInt8] { kinds.map(\.rawValue) }
    var rowPayloads: [Int64] { payloads }
    var distinctTexts: [String] { texts.distinctTexts }

    /// A column from `kindBytes`, `rowPayloads` and `distinctTexts` as read back; nil when they
    /// do not fit together.
    init?(kindBytes: [UInt8], rowPayloads: [Int64], distinctTexts: [String]) {
        guard kindBytes.count == rowPayloads.count else { return nil }
        var kinds: [Kind] = []
        kinds.reserveCapacity(kindBytes.count)
        for (byte, payload) in zip(kindBytes, rowPayloads) {
            guard let kind = Kind(rawValue: byte) else { return nil }
            if kind == .text, payload < 0 || payload >= distinctTexts.count { return nil }
            kinds.append(kind)
        }
        guard let texts = TextColumn(rowCodes: [], distinctTexts: distinctTexts) else { return nil }
        self.kinds = kinds
        payloads = rowPayloads
        self.texts = texts
    }

    subscript(row: Int) -> ProfileValue {
        get {
            let payload = payloads[row]
            switch kinds[row] {
            case .missing: return .missing
            case .integer: return .integer(payload)
            case .number: return .number(Double(bitPattern: UInt64(bitPattern: payload)))
            case .text: return texts.text(code: Int32(payload)).map(ProfileValue.text) ?? .missing
            case .boolean: return .boolean(payload != 0)
            }
        }
        set {
            (kinds[row], payloads[row]) = encode(newValue)
        }
    }

    private mutating func encode(_ value: ProfileValue) -> (Kind, Int64) {
        switch value {
        case .missing: return (.missing, 0)
        case .integer(let number): return (.integer, number)
        case .number(let number): return (.number, Int64(bitPattern: number.bitPattern))
        case .text(let text): return (.text, Int64(texts.intern(text)))
        case .boolean(let flag): return (.boolean, flag ? 1 : 0)
        }
    }
}
