/// One of the five fields of a cron expression, parsed into the set of values it allows.
///
/// Vixie cron syntax: `*`, a number or name, a range `a-b`, a step `*/n` or `a-b/n`, and
/// comma-separated lists of those. Names (`jan`, `mon`) are case-insensitive and work in ranges.
struct CronField: Sendable, Equatable {
    /// Which field, with its range and names.
    enum Kind: Int, Sendable, CaseIterable {
        case minute, hour, dayOfMonth, month, dayOfWeek

        var name: String {
            switch self {
            case .minute: "minute"
            case .hour: "hour"
            case .dayOfMonth: "day-of-month"
            case .month: "month"
            case .dayOfWeek: "day-of-week"
            }
        }

        /// Values as written; day-of-week accepts 7 for Sunday.
        var range: ClosedRange<Int> {
            switch self {
            case .minute: 0...59
            case .hour: 0...23
            case .dayOfMonth: 1...31
            case .month: 1...12
            case .dayOfWeek: 0...7
            }
        }

        var names: [String] {
            switch self {
            case .month: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
            case .dayOfWeek: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
            default: []
            }
        }

        /// The value of the first name (`jan` is 1, `sun` is 0).
        var firstNameValue: Int { self == .month ? 1 : 0 }
    }

    let kind: Kind
    /// Bit `v` is set when value `v` is allowed (day-of-week 7 is folded into 0).
    let bits: UInt64
    /// The field starts with `*` (Vixie's rule for "unrestricted", which decides how the two
    /// day fields combine and whether a time is a wildcard time).
    let startsWithStar: Bool

    func contains(_ value: Int) -> Bool { bits >> UInt64(value) & 1 == 1 }

    /// The smallest allowed value ≥ `value`, or nil.
    func first(atLeast value: Int) -> Int? {
        guard value < 64 else { return nil }
        let masked = bits & (UInt64.max << UInt64(value))
        return masked == 0 ? nil : masked.trailingZeroBitCount
    }

    init(_ text: String, kind: Kind) throws(CronFieldProblem) {
        self.kind = kind
        startsWithStar = text.hasPrefix("*")
        guard !text.isEmpty else { throw CronFieldProblem("empty") }
        for (character, meaning) in [("#", "nth weekday of the month"), ("?", "no specific value")] where text.contains(character) {
            throw Self.unsupported(character, meaning)
        }
        var bits: UInt64 = 0
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            bits |= try Self.parseItem(String(item), kind: kind)
        }
        if kind == .dayOfWeek, bits & (1 << 7) != 0 { bits = (bits & ~(1 << 7)) | 1 }
        self.bits = bits
    }

    /// One list item: `*`, `*/n`, `a`, `a-b`, `a-b/n`.
    private static func parseItem(_ item: String, kind: Kind) throws(CronFieldProblem) -> UInt64 {
        guard !item.isEmpty else { throw CronFieldProblem("empty item in a list (two commas, or a comma at an end)") }
        let parts = item.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw CronFieldProblem("\"\(item)\" has more than one '/'") }
        var step = 1
        if parts.count == 2 {
            guard let value = Int(parts[1]), value > 0 else {
                throw CronFieldProblem("step \"\(parts[1])\" in \"\(item)\" is not a whole number above 0")
            }
            step = value
        }
        let base = String(parts[0])
        let low: Int
        var high: Int
        if base == "*" {
            low = kind.range.lowerBound
            high = kind == .dayOfWeek ? 6 : kind.range.upperBound
        } else if let dash = base.firstIndex(of: "-") {
            low = try value(String(base[..<dash]), kind: kind)
            let upper = String(base[base.index(after: dash)...])
            high = try value(upper, kind: kind)
            // `fri-sun`: a range that ends with Sunday by name ends at 7.
            if kind == .dayOfWeek, high == 0, low > 0, upper.lowercased() == "sun" { high = 7 }
            guard low <= high else {
                throw CronFieldProblem("range \"\(base)\" runs backwards (write the smaller value first)")
            }
        } else {
            low = try value(base, kind: kind)
            guard parts.count == 1 else {
                throw CronFieldProblem("\"\(item)\": a step needs a range or * (write \(base)-\(kind.range.upperBound)/\(step))")
            }
            high = low
        }
        var bits: UInt64 = 0
        for value in stride(from: low, through: high, by: step) { bits |= 1 << UInt64(value) }
        return bits
    }

    private static func value(_ text: String, kind: Kind) throws(CronFieldProblem) -> Int {
        if let number = Int(text), text.allSatisfy(\.isASCII) {
            guard kind.range.contains(number) else {
                throw CronFieldProblem("\(number) is not in \(kind.range.lowerBound)-\(kind.range.upperBound)")
            }
            return number
        }
        if let index = kind.names.firstIndex(of: text.lowercased()) { return index + kind.firstNameValue }
        if text.isEmpty { throw CronFieldProblem("a range is missing a value") }
        let upper = text.uppercased()
        if upper == "L" || upper == "LW" || (upper.count > 1 && Int(upper.dropLast()) != nil) {
            if upper.hasSuffix("W") { throw unsupported("W", "nearest weekday") }
            if upper.hasSuffix("L") { throw unsupported("L", "last day") }
        }
        let names = kind.names.isEmpty ? "" : " or a name (\(kind.names.joined(separator: ", ")))"
        throw CronFieldProblem("\"\(text)\" is not a number in \(kind.range.lowerBound)-\(kind.range.upperBound)\(names)")
    }
}

extension CronField {
    static func unsupported(_ character: String, _ meaning: String) -> CronFieldProblem {
        CronFieldProblem("'\(character)' (\(meaning)) is not supported: crm follows Vixie cron (numbers, names, ranges, steps and lists)")
    }
}

/// What is wrong with one field; `CronExpression` adds the field's name and the expression.
struct CronFieldProblem: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
