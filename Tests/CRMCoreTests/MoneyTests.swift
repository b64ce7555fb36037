import Testing

@testable import CRMCore

@Suite("Money and integer parsing")
struct MoneyTests {
    private func cents(_ text: String) throws(ValueError) -> Int64 {
        try Money.parseMinorUnits(text, scale: 2)
    }

    private func reason(_ text: String, scale: Int = 2) -> String? {
        do {
            _ = try Money.parseMinorUnits(text, scale: scale)
            return nil
        } catch {
            return error.description
        }
    }

    @Test("plain decimals with a dot become minor units")
    func validAmounts() throws {
        #expect(try cents("12") == 1200)
        #expect(try cents("12.3") == 1230)
        #expect(try cents("12.30") == 1230)
        #expect(try cents("0.99") == 99)
        #expect(try cents("007.50") == 750)
        #expect(try Money.parseMinorUnits("12.345", scale: 3) == 12_345)
        #expect(try Money.parseMinorUnits("12", scale: 0) == 12)
    }

    @Test("a leading minus is accepted; the caller decides whether negatives make sense")
    func negatives() throws {
        #expect(try cents("-5.00") == -500)
        #expect(try cents("-0.05") == -5)
        #expect(try cents("-0") == 0)
    }

    @Test("a comma as decimal separator is rejected with a hint")
    func commaSeparator() {
        #expect(reason("1,50") == #""1,50" is not a decimal number (use a dot as the decimal separator)"#)
        #expect(reason("1,000.50") == #""1,000.50" is not a decimal number (use a dot as the decimal separator)"#)
    }

    @Test("currency signs, words, NaN and infinities are not numbers")
    func notNumbers() {
        for text in ["$1.50", "1.50 EUR", "abc", "NaN", "nan", "inf", "-inf", "Infinity", "+5", "-", "1.2.3", "0x10", "1_000"] {
            #expect(reason(text) == ValueError.quoted(text) + " is not a decimal number", "\(text)")
        }
    }

    @Test("exponents are rejected")
    func exponents() {
        #expect(reason("1e3") == #""1e3" is not a decimal number (exponents are not accepted)"#)
        #expect(reason("1e309") == #""1e309" is not a decimal number (exponents are not accepted)"#)
        #expect(reason("1.5E2")?.contains("exponents") == true)
    }

    @Test("a dot needs digits on both sides")
    func dotNeedsDigits() {
        #expect(reason(".5") == #"".5" is not a decimal number (write a digit before the dot, e.g. 0.5)"#)
        #expect(reason("-.5")?.contains("write a digit before the dot") == true)
        #expect(reason("5.") == #""5." is not a decimal number (write digits after the dot or drop it)"#)
    }

    @Test("digits beyond the scale are rejected unless they are zeros (the value is then exact), never rounded")
    func tooManyDecimals() throws {
        #expect(reason("1.234") == #""1.234" has more than 2 decimal places, the currency's"#)
        #expect(try Money.parseMinorUnits("1.230", scale: 2) == 123)
        #expect(reason("1.5", scale: 0) == #""1.5" is not a whole amount: the currency's amounts have no decimal places"#)
        #expect(try Money.parseMinorUnits("38.00", scale: 0) == 38)
        #expect(reason("38.001", scale: 0) != nil)
    }

    @Test("currency codes are ISO 4217, in any case, with their decimals")
    func currencies() throws {
        #expect(try Currency(code: "eur") == Currency(code: "EUR"))
        #expect(try Currency(code: "eur").code == "EUR")
        #expect(try Currency(code: "JPY").scale == 0)
        #expect(try Currency(code: "kwd").scale == 3)
        #expect(try Currency(code: "CLF").scale == 4)
        #expect(try Currency(code: "GBP").scale == 2)
        for bad in ["XYZ", "XAU", "EURO", "€", ""] {
            #expect(throws: CRMError.self, "\(bad)") { try Currency(code: bad) }
        }
        #expect(throws: CRMError.invalidArgument("\"XYZ\" is not an ISO 4217 currency code (e.g. USD, EUR, JPY, GBP)")) { try Currency(code: "XYZ") }
    }

    @Test("values beyond Int64 are rejected, the extremes are accepted")
    func overflow() throws {
        #expect(try Money.parseMinorUnits("92233720368547758.07", scale: 2) == Int64.max)
        #expect(try Money.parseMinorUnits("-92233720368547758.08", scale: 2) == Int64.min)
        #expect(reason("92233720368547758.08")?.contains("is out of range") == true)
        #expect(reason("99999999999999999999999") == #""99999999999999999999999" is out of range (at most 9223372036854775807 units)"#)
    }

    @Test("an unsupported scale is an error, not a crash")
    func unsupportedScale() {
        #expect(reason("1", scale: 19)?.contains("cannot be read with 19 decimal places") == true)
        #expect(reason("1", scale: -1)?.contains("cannot be read with -1 decimal places") == true)
    }

    @Test("empty is its own error and surrounding spaces are rejected")
    func emptyAndSpaces() {
        #expect(throws: ValueError.empty) { try cents("") }
        #expect(reason(" 1.50") == #"" 1.50" has leading or trailing spaces"#)
        #expect(reason("1.50 ") == #""1.50 " has leading or trailing spaces"#)
    }

    @Test("minor units format back with exactly scale digits")
    func formatting() {
        #expect(Money.formatMinorUnits(1234, scale: 2) == "12.34")
        #expect(Money.formatMinorUnits(-5, scale: 2) == "-0.05")
        #expect(Money.formatMinorUnits(5, scale: 3) == "0.005")
        #expect(Money.formatMinorUnits(0, scale: 2) == "0.00")
        #expect(Money.formatMinorUnits(1200, scale: 0) == "1200")
        #expect(Money.formatMinorUnits(Int64.min, scale: 2) == "-92233720368547758.08")
        #expect(Money(minorUnits: 99, currency: "EUR").formatted(scale: 2) == "0.99")
    }

    @Test("formatted amounts parse back to the same minor units")
    func formatRoundTrip() throws {
        for value: Int64 in [0, 1, -1, 99, -100, 123_456_789, Int64.max, Int64.min] {
            #expect(try Money.parseMinorUnits(Money.formatMinorUnits(value, scale: 2), scale: 2) == value)
        }
    }

    @Test("integers accept digits with an optional minus and leading zeros")
    func integers() throws {
        #expect(try ValueParsers.parseInteger("42") == 42)
        #expect(try ValueParsers.parseInteger("-7") == -7)
        #expect(try ValueParsers.parseInteger("007") == 7)
        #expect(try ValueParsers.parseInteger("9223372036854775807") == Int64.max)
        #expect(try ValueParsers.parseInteger("-9223372036854775808") == Int64.min)
    }

    @Test("integers reject signs, fractions, separators, exponents and overflow")
    func badIntegers() {
        let cases: [(String, String)] = [
            ("+5", "is not an integer"),
            ("1.5", "is not a whole number"),
            ("1,000", "is not an integer (write it without separators)"),
            ("1e3", "is not an integer (exponents are not accepted)"),
            ("abc", "is not an integer"),
            ("9223372036854775808", "is out of range (at most 9223372036854775807 units)"),
            (" 5", "has leading or trailing spaces"),
        ]
        for (text, expected) in cases {
            #expect(throws: ValueError.invalid(value: text, reason: expected), "\(text)") {
                try ValueParsers.parseInteger(text)
            }
        }
        #expect(throws: ValueError.empty) { try ValueParsers.parseInteger("") }
    }
}
