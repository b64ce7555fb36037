import Testing

@testable import CRMCore

@Suite("ValueError messages")
struct ValueErrorTests {
    @Test("the value is quoted before the reason")
    func quotedValue() {
        #expect(ValueError.invalid(value: "1,50", reason: "is not a decimal number").description == #""1,50" is not a decimal number"#)
        #expect(ValueError.empty.description == "is empty")
    }

    @Test("control characters and quotes are escaped so the message stays on one line")
    func escaping() {
        #expect(ValueError.quoted("a\nb\r\tc\"d\\e\u{7}") == #""a\nb\r\tc\"d\\e\u{7}""#)
    }

    @Test("long values are cut at 40 characters")
    func truncation() {
        let quoted = ValueError.quoted(String(repeating: "x", count: 305))
        #expect(quoted == "\"" + String(repeating: "x", count: 40) + "…\"")
        #expect(ValueError.quoted(String(repeating: "王", count: 40)) == "\"" + String(repeating: "王", count: 40) + "\"")
    }

    @Test("bytes that are not UTF-8 still make a readable message")
    func invalidBytes() {
        let bytes: [UInt8] = [0x31, 0xFF, 0x32]
        let failure = bytes.withUnsafeBytes { ValueError.invalid($0, "is not an integer") }
        #expect(failure.description == "\"1\u{FFFD}2\" is not an integer")
    }
}
