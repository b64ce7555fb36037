import Foundation
import Testing

@Suite("crm init and the database currency")
struct InitCurrencyTests {
    @Test("a failed init leaves no file behind, so a correct init afterwards works")
    func failedInitLeavesNoFile() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        let bad = try crm.run("init", "--currency", "XYZ")
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("\"XYZ\" is not an ISO 4217 currency code"), "\(bad.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: crm.directory).isEmpty)
        let good = try crm.run("init", "--currency", "eur")
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("(currency EUR, time zone UTC)"))
        #expect(try crm.run("init", "--currency", "EUR").status == 0, "the same currency again is fine")
    }

    @Test("JPY: 38.00 is exactly 38 yen and accepted; 38.50 is refused naming JPY's decimals")
    func yen() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        #expect(try crm.run("init", "--currency", "jpy").status == 0)
        try crm.write("customers.csv", "id,name\n1,Sato\n")
        #expect(try crm.run("import", "customers", "customers.csv").status == 0)
        try crm.write("bad.csv", "id,customer_id,ordered_at,amount\no1,1,2025-01-01,38.50\n")
        let bad = try crm.run("import", "orders", "bad.csv")
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("bad.csv:2: column 'amount': \"38.50\" is not a whole amount: JPY's amounts have no decimal places"), "\(bad.stderr)")
        try crm.write("good.csv", "id,customer_id,ordered_at,amount\no1,1,2025-01-01,38.00\n")
        #expect(try crm.run("import", "orders", "good.csv").status == 0)
        #expect(try crm.run("export", "orders").stdout.contains("o1,1,2025-01-01T00:00:00Z,,,,,38\n"))
    }
}
