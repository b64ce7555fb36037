import Testing

@testable import CRMCore

@Suite("CSV header")
struct CSVHeaderTests {
    @Test("columns are found by exact name, in any order")
    func exactNames() {
        let header = CSVHeader(names: ["amount", "id", " name", "Email"])
        #expect(header.index(of: "id") == 1)
        #expect(header.index(of: "amount") == 0)
        #expect(header.index(of: "name") == nil)
        #expect(header.index(of: "email") == nil)
    }

    @Test("missing, unknown and duplicate columns are listed by name")
    func problems() {
        let header = CSVHeader(names: ["id", "name", "id", "colour", "name", "id"])
        #expect(header.missing(["id", "email", "city"]) == ["email", "city"])
        #expect(header.unknown(known: ["id", "name"]) == ["colour"])
        #expect(header.duplicates == ["id", "name"])
    }

    @Test("names that only look alike (NFC and NFD) are different columns")
    func noNormalization() {
        let header = CSVHeader(names: ["caf\u{E9}"])
        #expect(header.index(of: "cafe\u{301}") == nil)
        #expect(header.duplicates.isEmpty)
    }
}
