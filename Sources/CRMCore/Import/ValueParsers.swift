/// Strict parsers for the plain number columns of the CSV formats (`quantity`, custom integer fields).
///
/// Like `Timestamp.parse` and `Money.parseMinorUnits`, each takes the raw field bytes and either
/// returns the value or throws a `ValueError` whose description completes
/// `file:line: column 'quantity': `. Nothing is coerced: `abc` is never 0.
public enum ValueParsers {
    /// Parses a base-10 `Int64`: an optional leading `-`, then one or more ASCII digits.
    ///
    /// Leading zeros are accepted (`007` is 7, which is unambiguous); `+`, spaces, separators,
    /// fractions and exponents are not. Overflow is an error, never a wrap-around.
    public static func parseInteger(_ bytes: UnsafeRawBufferPointer) throws(ValueError) -> Int64 {
        try requirePresent(bytes)
        return try DecimalText.parse(bytes, scale: 0, flavour: .integer)
    }

    /// `parseInteger` on the UTF-8 bytes of `text`.
    public static func parseInteger(_ text: String) throws(ValueError) -> Int64 {
        try withBytes(of: text) { bytes throws(ValueError) in try parseInteger(bytes) }
    }

    /// Throws `.empty` for no bytes and rejects a leading or trailing space or tab, which every
    /// parser treats as a formatting mistake rather than trimming it away.
    static func requirePresent(_ bytes: UnsafeRawBufferPointer) throws(ValueError) {
        guard let first = bytes.first, let last = bytes.last else { throw .empty }
        if isBlank(first) || isBlank(last) {
            throw .invalid(bytes, "has leading or trailing spaces")
        }
    }

    /// Runs a byte parser over the UTF-8 of a `String` (for the `String` conveniences).
    static func withBytes<T>(
        of text: String,
        _ body: (UnsafeRawBufferPointer) throws(ValueError) -> T
    ) throws(ValueError) -> T {
        var text = text
        let result = text.withUTF8 { utf8 in
            Result { () throws(ValueError) -> T in try body(UnsafeRawBufferPointer(utf8)) }
        }
        return try result.get()
    }

    /// The value of the ASCII digits `bytes[start ..< start + count]`, or nil if any is not a digit.
    static func digits(_ bytes: UnsafeRawBufferPointer, at start: Int, count: Int) -> Int? {
        guard start >= 0, start + count <= bytes.count else { return nil }
        var value = 0
        for index in start ..< start + count {
            let digit = Int(bytes[index]) &- 0x30
            guard digit >= 0, digit <= 9 else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09
    }
}

/// The fixed-point grammar shared by integers and money: `-?[0-9]+(\.[0-9]+)?`.
enum DecimalText {
    /// Which error messages to give: integers say "whole number", money says "decimal places".
    enum Flavour {
        case integer
        case decimal
    }

    /// Parses `bytes` (already checked for emptiness and spaces) into an integer count of
    /// 10^-scale units. Never rounds: more fractional digits than `scale` is an error.
    static func parse(_ bytes: UnsafeRawBufferPointer, scale: Int, flavour: Flavour) throws(ValueError) -> Int64 {
        guard scale >= 0, scale <= 18 else {
            throw .invalid(bytes, "cannot be read with \(scale) decimal places (supported: 0–18)")
        }
        let count = bytes.count
        var index = 0
        let negative = bytes[0] == 0x2D
        if negative { index = 1 }
        // Magnitude as UInt64 so that Int64.min is reachable for negatives.
        var magnitude: UInt64 = 0
        var overflow = false
        let integerStart = index
        while index < count, let digit = digit(bytes[index]) {
            overflow = overflow || accumulate(&magnitude, digit)
            index += 1
        }
        let integerDigits = index - integerStart
        var fractionDigits = 0
        // A digit beyond `scale` other than 0: `38.50` at scale 0, while `38.00` is exactly 38.
        var inexact = false
        if index < count, bytes[index] == 0x2E {
            index += 1
            while index < count, let digit = digit(bytes[index]) {
                if fractionDigits < scale { overflow = overflow || accumulate(&magnitude, digit) } else if digit != 0 { inexact = true }
                fractionDigits += 1
                index += 1
            }
            if integerDigits == 0 || fractionDigits == 0 || index < count {
                throw .invalid(bytes, malformedReason(bytes, flavour: flavour))
            }
        } else if integerDigits == 0 || index < count {
            throw .invalid(bytes, malformedReason(bytes, flavour: flavour))
        }
        if fractionDigits > scale {
            switch flavour {
            case .integer: throw .invalid(bytes, "is not a whole number")
            case .decimal where inexact:
                throw .invalid(bytes, scale == 0
                    ? "is not a whole amount: the currency's amounts have no decimal places"
                    : "has more than \(scale) decimal places, the currency's")
            case .decimal: break
            }
        }
        for _ in min(fractionDigits, scale) ..< scale {
            overflow = overflow || accumulate(&magnitude, 0)
        }
        let limit = negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
        guard !overflow, magnitude <= limit else {
            throw .invalid(bytes, "is out of range (at most \(Int64.max) units)")
        }
        if negative {
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        return Int64(magnitude)
    }

    /// A reason that points at the likely mistake: comma decimal separator, missing digit, etc.
    private static func malformedReason(_ bytes: UnsafeRawBufferPointer, flavour: Flavour) -> String {
        let noun = flavour == .integer ? "an integer" : "a decimal number"
        let count = bytes.count
        if bytes.contains(0x2C) {
            return flavour == .integer
                ? "is not an integer (write it without separators)"
                : "is not a decimal number (use a dot as the decimal separator)"
        }
        if let dot = bytes.firstIndex(of: 0x2E), flavour == .decimal {
            let digitBefore = dot > 0 && digit(bytes[dot - 1]) != nil
            let digitAfter = dot + 1 < count && digit(bytes[dot + 1]) != nil
            if !digitBefore && digitAfter { return "is not a decimal number (write a digit before the dot, e.g. 0.5)" }
            if digitBefore && dot + 1 == count { return "is not a decimal number (write digits after the dot or drop it)" }
        }
        if looksLikeExponent(bytes) {
            return "is not \(noun) (exponents are not accepted)"
        }
        return "is not \(noun)"
    }

    /// Whether `bytes` reads as scientific notation: `-?[0-9.]+[eE][+-]?[0-9]+`.
    private static func looksLikeExponent(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let e = bytes.firstIndex(where: { $0 == 0x65 || $0 == 0x45 }), e > 0, e + 1 < bytes.count else { return false }
        let mantissa = bytes[(bytes[0] == 0x2D ? 1 : 0) ..< e]
        var exponent = bytes[(e + 1)...]
        if let sign = exponent.first, sign == 0x2B || sign == 0x2D { exponent = exponent.dropFirst() }
        return !mantissa.isEmpty && mantissa.allSatisfy { digit($0) != nil || $0 == 0x2E }
            && !exponent.isEmpty && exponent.allSatisfy { digit($0) != nil }
    }

    private static func digit(_ byte: UInt8) -> UInt64? {
        byte >= 0x30 && byte <= 0x39 ? UInt64(byte - 0x30) : nil
    }

    /// `magnitude = magnitude * 10 + digit`; returns true on overflow (the value is then garbage).
    private static func accumulate(_ magnitude: inout UInt64, _ digit: UInt64) -> Bool {
        let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
        let (sum, o2) = times10.addingReportingOverflow(digit)
        magnitude = sum
        return o1 || o2
    }
}
