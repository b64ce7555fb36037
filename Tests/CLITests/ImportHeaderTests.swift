import Foundation
import Testing

@Suite("Customer file headers: computed fields, other separators")
struct ImportHeaderTests {
    @Test("a computed field is refused from a CSV column as it is by field set, naming it as computed")
    func computedColumn() throws {
        let crm = try SegmentCommandTests.withFixtures()
        defer { crm.remove() }
        try FileManager.default.copyItem(atPath: SegmentCommandTests.repository + "/plugins", toPath: crm.path("plugins"))
        try crm.write("levels.csv", "id,vip_level\n1,gold\n")
        let imported = try crm.run("import", "customers", "levels.csv")
        #expect(imported.status == 1)
        #expect(imported.stderr.contains("levels.csv:1: column 'vip_level' is a computed field (plugin 'vip' computes it;"), "\(imported.stderr)")
        let set = try crm.run("field", "set", "1", "vip_level", "gold")
        #expect(set.status == 1)
        #expect(set.stderr.contains("field 'vip_level' is computed by plugin 'vip'"))
        // So that an export imports back, computed fields are exported only on request.
        #expect(try !crm.run("export", "customers").stdout.prefix(while: { $0 != "\n" }).contains("vip_level"))
        #expect(try crm.run("export", "customers", "--computed").stdout.prefix(while: { $0 != "\n" }).contains("vip_level"))
    }

    @Test("a header separated by semicolons or tabs says so")
    func otherSeparators() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        try crm.run("init")
        for (separator, word) in [(";", "semicolons"), ("\t", "tabs")] {
            try crm.write("c.csv", ["id", "name", "email"].joined(separator: separator) + "\n1\(separator)Ann\(separator)a@x\n")
            let result = try crm.run("import", "customers", "c.csv")
            #expect(result.status == 1)
            #expect(result.stderr.contains("c.csv:1: the header looks separated by \(word), not commas"), "\(result.stderr)")
        }
    }
}
