import Foundation
import Testing

@testable import CRMCore

@Suite("Files that are not UTF-8")
struct EncodingImportTests {
    /// A customers file whose second record has "é" as Windows-1252 (one byte 0xE9).
    static let bytes: [UInt8] = Array("id,name,city\n1,Ann,Paris\n2,Ren".utf8) + [0xE9] + Array(",\"Lyon, France\"\n3,Bo,Oslo\n".utf8)

    @Test("a record with invalid UTF-8 survives byte for byte in the rejects file, with the reason beside it")
    func rejectsKeepBytes() throws {
        let sandbox = try Sandbox()
        let database = try sandbox.database()
        let path = sandbox.path("customers.csv")
        try Data(Self.bytes).write(to: URL(fileURLWithPath: path))
        var options = ImportOptions()
        options.skipInvalid = true
        let summary = try Importer(database: database).importFile(.customers, path: path, options: options)
        #expect(summary.inserted == 2)
        let rejects = try Data(contentsOf: URL(fileURLWithPath: sandbox.path("customers.csv.rejects.csv")))
        let expected = Array("line,reason,id,name,city\n3,text is not valid UTF-8 (save the file as UTF-8),2,Ren".utf8) + [0xE9]
            + Array(",\"Lyon, France\"\n".utf8)
        #expect(Array(rejects) == expected)
    }

    @Test("an all-or-nothing import of a file that is not UTF-8 suggests iconv, once")
    func iconvHint() throws {
        let sandbox = try Sandbox()
        let database = try sandbox.database()
        let path = sandbox.path("customers.csv")
        try Data(Self.bytes + Array("4,Zo".utf8) + [0xEB] + Array(",Bonn\n".utf8)).write(to: URL(fileURLWithPath: path))
        do {
            _ = try Importer(database: database).importFile(.customers, path: path)
            Issue.record("should fail")
        } catch {
            let text = "\(error)"
            #expect(text.contains("customers.csv:3: text is not valid UTF-8"), "\(text)")
            #expect(text.components(separatedBy: "iconv -f WINDOWS-1252 -t UTF-8").count == 2, "\(text)")
        }
    }
}
