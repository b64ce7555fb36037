import Foundation
import Testing

@testable import CRMCore

@Suite("CSV reader on malformed input")
struct CSVReaderErrorTests {
    private func error(_ line: Int, _ kind: CSVError.Kind, _ raw: String) -> CSVOutcome {
        .error(CSVError(path: "test.csv", line: line, kind: kind, rawRecord: raw))
    }

    @Test("an unterminated quote is reported at the line where the field opened")
    func unterminatedQuote() throws {
        let reader = try CSVTestSupport.reader("id,name\n1,ok\n2,\"never closed\n3,more\n4,end\n")
        #expect(CSVTestSupport.outcomes(reader) == [
            .record(line: 2, fields: ["1", "ok"]),
            error(3, .unterminatedQuote, "2,\"never closed"),
        ])
    }

    @Test("an unterminated quote is fatal: nothing more is read")
    func unterminatedQuoteIsFatal() throws {
        let reader = try CSVTestSupport.reader("id,name\n2,\"open\n")
        let failure = #expect(throws: CSVError.self) { try reader.next() }
        #expect(failure?.isFatal == true)
        #expect(try reader.next() == nil)
    }

    @Test("a wrong field count names the line, the expected and the actual count, and reading goes on")
    func fieldCounts() throws {
        let reader = try CSVTestSupport.reader("a,b,c\n1,2,3\n1,2\n1,2,3,4\n\"x,y\",2,3\n")
        #expect(CSVTestSupport.outcomes(reader) == [
            .record(line: 2, fields: ["1", "2", "3"]),
            error(3, .fieldCount(expected: 3, got: 2), "1,2"),
            error(4, .fieldCount(expected: 3, got: 4), "1,2,3,4"),
            .record(line: 5, fields: ["x,y", "2", "3"]),
        ])
    }

    @Test("the field count error message says expected and got")
    func fieldCountMessage() {
        let failure = CSVError(path: "orders.csv", line: 7, kind: .fieldCount(expected: 8, got: 7))
        #expect(failure.description == "orders.csv:7: expected 8 fields like the header, got 7")
    }

    @Test("a blank line is an error with its line number, and the next record is still read")
    func blankLine() throws {
        let reader = try CSVTestSupport.reader("a,b\n1,2\n\n3,4\n")
        #expect(CSVTestSupport.outcomes(reader) == [
            .record(line: 2, fields: ["1", "2"]),
            error(3, .blankLine, ""),
            .record(line: 4, fields: ["3", "4"]),
        ])
    }

    @Test("a blank CRLF line is an error too")
    func blankCRLFLine() throws {
        let reader = try CSVTestSupport.reader("a,b\r\n1,2\r\n\r\n3,4\r\n")
        #expect(CSVTestSupport.outcomes(reader) == [
            .record(line: 2, fields: ["1", "2"]),
            error(3, .blankLine, ""),
            .record(line: 4, fields: ["3", "4"]),
        ])
    }

    @Test("an extra empty line at the end of the file is a blank line")
    func trailingBlankLine() throws {
        let reader = try CSVTestSupport.reader("a,b\n1,2\n\n")
        #expect(CSVTestSupport.outcomes(reader) == [
            .record(line: 2, fields: ["1", "2"]),
            error(3, .blankLine, ""),
        ])
    }

    @Test("a quote inside an unquoted field is an error at that line")
    func quoteInUnquotedField() throws {
        let reader = try CSVTestSupport.reader("a,b\n1,ab\"c\n2,ok\n")
        #expect(CSVTestSupport.outcomes(reader) == [
            error(2, .quoteInUnquotedField(column: 2), "1,ab\"c"),
            .record(line: 3, fields: ["2", "ok"]),
        ])
    }

    @Test("text after a closing quote is an error at that line")
    func textAfterClosingQuote() throws {
        let reader = try CSVTestSupport.reader("a,b\n\"ab\"c,1\n2,ok\n")
        #expect(CSVTestSupport.outcomes(reader) == [
            error(2, .textAfterClosingQuote(column: 1), "\"ab\"c,1"),
            .record(line: 3, fields: ["2", "ok"]),
        ])
    }

    @Test("a carriage return without line feed outside quotes is an error")
    func bareCarriageReturn() throws {
        let reader = try CSVTestSupport.reader("a,b\n1,x\ry\n2,ok\n")
        #expect(CSVTestSupport.outcomes(reader) == [
            error(2, .bareCarriageReturn(column: 2), "1,x\ry"),
            .record(line: 3, fields: ["2", "ok"]),
        ])
    }

    @Test("a carriage return inside quotes is kept")
    func quotedCarriageReturn() throws {
        let reader = try CSVTestSupport.reader("a,b\n1,\"x\ry\"\n")
        #expect(CSVTestSupport.outcomes(reader) == [.record(line: 2, fields: ["1", "x\ry"])])
    }

    @Test("invalid UTF-8 is an error naming the line of the bad byte")
    func invalidUTF8() throws {
        var bytes = Array("a,b\n1,\"multi\nline ".utf8)
        bytes += [0xC3, 0x28]  // a lead byte followed by a non-continuation byte
        bytes += Array("\"\n2,ok\n".utf8)
        let reader = try CSVReader(bytes: bytes, name: "test.csv")
        let outcomes = CSVTestSupport.outcomes(reader)
        #expect(outcomes.count == 2)
        guard case .error(let failure) = outcomes[0] else {
            Issue.record("expected an error, got \(outcomes[0])")
            return
        }
        #expect(failure.line == 3)
        #expect(failure.kind == .invalidUTF8)
        #expect(outcomes[1] == .record(line: 4, fields: ["2", "ok"]))
    }

    @Test("overlong encodings and surrogates are not UTF-8")
    func strictUTF8() throws {
        for bad: [UInt8] in [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF], [0xE2, 0x82]] {
            let reader = try CSVReader(bytes: Array("a\n".utf8) + bad + [0x0A], name: "test.csv")
            #expect(throws: CSVError(path: "test.csv", line: 2, kind: .invalidUTF8, rawRecord: String(decoding: bad, as: UTF8.self), rawBytes: bad)) {
                try reader.next()
            }
        }
    }

    @Test("an empty file has no header")
    func emptyFile() throws {
        let path = try CSVTestSupport.temporaryFile([])
        #expect(throws: CSVError(path: path, line: 1, kind: .missingHeader)) { try CSVReader(path: path) }
    }

    @Test("a file with only a byte-order mark has no header")
    func bomOnlyFile() throws {
        let path = try CSVTestSupport.temporaryFile([0xEF, 0xBB, 0xBF])
        #expect(throws: CSVError(path: path, line: 1, kind: .missingHeader)) { try CSVReader(path: path) }
    }

    @Test("a header-only file has a header and no records")
    func headerOnlyFile() throws {
        let path = try CSVTestSupport.temporaryFile([0xEF, 0xBB, 0xBF] + Array("id,name\r\n".utf8))
        let reader = try CSVReader(path: path)
        #expect(reader.header.names == ["id", "name"])
        #expect(try reader.next() == nil)
    }

    @Test("the last record needs no trailing line break")
    func noTrailingNewline() throws {
        let reader = try CSVTestSupport.reader("a,b\n1,2\n3,\"4\"")
        #expect(CSVTestSupport.outcomes(reader) == [
            .record(line: 2, fields: ["1", "2"]),
            .record(line: 3, fields: ["3", "4"]),
        ])
    }

    @Test("a trailing comma makes a last empty field")
    func trailingEmptyField() throws {
        let reader = try CSVTestSupport.reader("a,b\n1,\n")
        #expect(CSVTestSupport.outcomes(reader) == [.record(line: 2, fields: ["1", ""])])
    }

    @Test("a missing file is reported with the system's reason")
    func missingFile() throws {
        let path = try CSVTestSupport.temporaryFolder().appendingPathComponent("absent.csv").path
        let failure = #expect(throws: CSVError.self) { try CSVReader(path: path) }
        #expect(failure?.description.hasPrefix("\(path): cannot read the file: cannot open: No such file") == true)
    }

    @Test("a file that cannot be mapped, such as a pipe, is read instead")
    func unmappableFile() throws {
        let pipe = Pipe()
        pipe.fileHandleForWriting.write(Data("id\n7\n".utf8))
        try pipe.fileHandleForWriting.close()
        let reader = try CSVReader(path: "/dev/fd/\(pipe.fileHandleForReading.fileDescriptor)")
        #expect(CSVTestSupport.outcomes(reader) == [.record(line: 2, fields: ["7"])])
    }

    @Test("a malformed header row is reported when opening")
    func malformedHeader() {
        #expect(throws: CSVError(path: "test.csv", line: 1, kind: .quoteInUnquotedField(column: 2), rawRecord: "id,na\"me")) {
            try CSVTestSupport.reader("id,na\"me\n1,x\n")
        }
    }

    @Test("a record longer than the initial buffers is read whole")
    func wideRecord() throws {
        let names = (0 ..< 300).map { "c\($0)" }
        let values = (0 ..< 300).map { "\"v\"\"\($0)\(String(repeating: "x", count: 40))\"" }
        let reader = try CSVTestSupport.reader(names.joined(separator: ",") + "\n" + values.joined(separator: ",") + "\n")
        let record = try #require(try reader.next())
        #expect(record.count == 300)
        #expect(record[299].string == "v\"299" + String(repeating: "x", count: 40))
        #expect(record[0].string == "v\"0" + String(repeating: "x", count: 40))
    }
}
