import Foundation
import Testing

@testable import CRMCore

@Suite("Custom field values stored as JSON")
struct FieldValueJSONTests {
    static let samples: [FieldValue] = [
        .string("gold"), .string(""), .string("Zoë Ölund"), .string("say \"hi\""), .string("back\\slash"),
        .string("line\nbreak"), .string("tab\there"), .string("\u{1}control"), .string("€ and 😀"),
        .integer(0), .integer(-42), .integer(.max), .integer(.min),
        .decimal("12.50"), .decimal("-0.001"), .decimal("7"),
        .boolean(true), .boolean(false),
        .date(CalendarDate(year: 2025, month: 1, day: 31)!),
    ]

    static func type(of value: FieldValue) -> FieldType {
        switch value {
        case .string: return .string
        case .integer: return .integer
        case .decimal: return .decimal
        case .boolean: return .boolean
        case .date: return .date
        }
    }

    @Test("every value reads back as itself, escapes included")
    func roundTrip() {
        for value in Self.samples {
            #expect(FieldValue.decode(json: value.json, as: Self.type(of: value)) == value, "\(value.json)")
        }
    }

    @Test("texts are quoted exactly as JSONSerialization quotes them")
    func quoting() {
        for case .string(let text) in Self.samples {
            #expect(FieldValue.quote(text) == FieldValue.quoteWithFoundation(text), "\(text)")
        }
        for text in ["a/b", "\u{7f}", "日本", "é\u{301}", "ends with \\", "\u{1f}"] {
            #expect(FieldValue.quote(text) == FieldValue.quoteWithFoundation(text), "\(text)")
        }
    }

    @Test("JSON written by other tools (escapes, unicode escapes) reads like the stored form")
    func foreignJSON() {
        #expect(FieldValue.decode(json: #""caf\u00e9""#, as: .string) == .string("café"))
        #expect(FieldValue.decode(json: #""a\/b""#, as: .string) == .string("a/b"))
        #expect(FieldValue.decode(json: #""gold""#, as: .enumeration) == .string("gold"))
    }

    @Test("stored text that no longer fits the type is nil, never coerced")
    func mismatches() {
        #expect(FieldValue.decode(json: "42", as: .string) == nil)
        #expect(FieldValue.decode(json: #""42""#, as: .integer) == nil)
        #expect(FieldValue.decode(json: "4.5", as: .integer) == nil)
        #expect(FieldValue.decode(json: "1e3", as: .decimal) == nil)
        #expect(FieldValue.decode(json: "1", as: .boolean) == nil)
        #expect(FieldValue.decode(json: #""true""#, as: .boolean) == nil)
        #expect(FieldValue.decode(json: #""2025-02-30""#, as: .date) == nil)
        #expect(FieldValue.decode(json: #""unterminated"#, as: .string) == nil)
        #expect(FieldValue.decode(json: #""two" "strings""#, as: .string) == nil)
        #expect(FieldValue.decode(json: "", as: .string) == nil)
    }
}
