import Foundation
import Testing

@testable import CRMCore

/// What one `next()` call gave: a record (its line and fields) or an error.
enum CSVOutcome: Equatable {
    case record(line: Int, fields: [String])
    case error(CSVError)
}

/// Shared helpers for the CSV and value-parser tests.
enum CSVTestSupport {
    /// Path of a file in the test bundle's `Fixtures` folder.
    static func fixturePath(_ name: String) throws -> String {
        let folder = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return folder.appendingPathComponent(name).path
    }

    /// A reader over `text` (named `test.csv` in errors).
    static func reader(_ text: String) throws(CSVError) -> CSVReader {
        try CSVReader(bytes: Array(text.utf8), name: "test.csv")
    }

    /// Every outcome of reading to the end (after a fatal error the reader returns nil).
    static func outcomes(_ reader: CSVReader) -> [CSVOutcome] {
        var result: [CSVOutcome] = []
        while true {
            do {
                guard let record = try reader.next() else { return result }
                result.append(.record(line: record.line, fields: record.strings))
            } catch {
                result.append(.error(error))
            }
        }
    }

    /// Every record of a reader that must not fail, with field bytes kept exactly.
    static func records(_ reader: CSVReader) throws -> [(line: Int, fields: [[UInt8]])] {
        var result: [(line: Int, fields: [[UInt8]])] = []
        while let record = try reader.next() {
            result.append((record.line, (0 ..< record.count).map { Array(record[$0].buffer) }))
        }
        return result
    }

    /// A fresh empty folder under the system temporary directory.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("crm-csv-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `bytes` to a new temporary file and returns its path.
    static func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let url = try temporaryFolder().appendingPathComponent("input.csv")
        try Data(bytes).write(to: url)
        return url.path
    }
}
