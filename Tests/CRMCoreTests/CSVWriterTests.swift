import Foundation
import Testing

@testable import CRMCore

@Suite("CSV writer")
struct CSVWriterTests {
    private static let pieces = [
        "a", "Z", "0", " ", ",", "\"", "\"\"", "\n", "\r\n", "\r", "\t", "é", "e\u{301}", "王", "伟", "東京", "한",
        "🎉", "👩‍👩‍👧", "NULL", "x,y", "  ", ";",
    ]

    private func randomField(_ generator: inout SplitMix64) -> String {
        let length = Int.random(in: 0 ... 8, using: &generator)
        return (0 ..< length).map { _ in Self.pieces.randomElement(using: &generator) ?? "" }.joined()
    }

    private func written(_ rows: [[String]]) throws -> String {
        let path = try CSVTestSupport.temporaryFolder().appendingPathComponent("out.csv").path
        let writer = try CSVWriter(path: path)
        for row in rows { try writer.write(row: row) }
        try writer.close()
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    @Test("random fields with quotes, commas, line breaks, CJK and emoji round-trip byte for byte")
    func roundTrip() throws {
        var generator = SplitMix64(state: 20_241_230)
        for columns in [1, 2, 5] {
            let header = (0 ..< columns).map { "c\($0)" }
            let rows = (0 ..< 400).map { _ in (0 ..< columns).map { _ in randomField(&generator) } }
            let path = try CSVTestSupport.temporaryFolder().appendingPathComponent("round.csv").path
            let writer = try CSVWriter(path: path)
            try writer.write(row: header)
            for row in rows { try writer.write(row: row) }
            try writer.close()

            let reader = try CSVReader(path: path)
            #expect(reader.header.names == header)
            let readBack = try CSVTestSupport.records(reader).map(\.fields)
            #expect(readBack == rows.map { $0.map { Array($0.utf8) } })
        }
    }

    @Test("fields are quoted only when they contain a comma, quote, CR or LF")
    func minimalQuoting() throws {
        let text = try written([["plain", " spaced ", "a,b", "say \"hi\"", "two\nlines", "cr\rhere", ""]])
        #expect(text == "plain, spaced ,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rhere\",\n")
    }

    @Test("a row with one empty field is written as two quotes, not a blank line")
    func singleEmptyField() throws {
        #expect(try written([["h"], [""]]) == "h\n\"\"\n")
    }

    @Test("a row without fields is refused")
    func emptyRow() throws {
        let path = try CSVTestSupport.temporaryFolder().appendingPathComponent("out.csv").path
        let writer = try CSVWriter(path: path)
        #expect(throws: CSVError(path: path, line: 0, kind: .emptyRow)) { try writer.write(row: []) }
    }

    @Test("more than one buffer of output is written completely")
    func largeOutput() throws {
        let rows = (0 ..< 5000).map { ["\($0)", String(repeating: "w", count: 30)] }
        let text = try written(rows)
        #expect(text.split(separator: "\n").count == 5000)
        #expect(text.hasSuffix("4999," + String(repeating: "w", count: 30) + "\n"))
    }

    @Test("writing into a missing folder fails with the system's reason")
    func unwritablePath() throws {
        let path = try CSVTestSupport.temporaryFolder().appendingPathComponent("no/such/out.csv").path
        let failure = #expect(throws: CSVError.self) { try CSVWriter(path: path) }
        #expect(failure?.description.hasPrefix("\(path): cannot write the file: cannot create: No such file") == true)
    }

    @Test("a writer on a file handle leaves the handle open")
    func fileHandleStaysOpen() throws {
        let pipe = Pipe()
        let writer = CSVWriter(fileHandle: pipe.fileHandleForWriting, name: "<pipe>")
        try writer.write(row: ["a", "b"])
        try writer.close()
        pipe.fileHandleForWriting.write(Data("after\n".utf8))
        try pipe.fileHandleForWriting.close()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        #expect(String(decoding: output, as: UTF8.self) == "a,b\nafter\n")
    }
}
