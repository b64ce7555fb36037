import Foundation
import GRDB
import Testing

@testable import CRMCore

/// A temporary folder holding one test's database and files, removed when the test ends.
final class Sandbox {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "crm-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func path(_ name: String) -> String { directory + "/" + name }

    /// Writes `text` to a file in the sandbox and returns its path.
    @discardableResult
    func file(_ name: String, _ text: String) throws -> String {
        let path = path(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func database() throws -> CRMDatabase { try CRMDatabase(path: path("crm.sqlite")) }
}

enum Fixture {
    /// Path of a file from `../shared/fixtures`, copied into the test bundle.
    static func path(_ name: String) throws -> String {
        guard let url = Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil) else {
            throw CRMError.notFound("fixture \(name) is missing from the test bundle")
        }
        return url.path
    }

    /// A database with the three tricky fixture files imported.
    static func trickyDatabase(in sandbox: Sandbox) throws -> CRMDatabase {
        let database = try sandbox.database()
        let importer = Importer(database: database)
        for kind in RecordKind.allCases {
            _ = try importer.importFile(kind, path: try path("\(kind.rawValue)_tricky.csv"))
        }
        return database
    }
}

/// The records of the three kinds, as exported.
func records(_ database: CRMDatabase) throws -> [String] {
    var lines: [String] = []
    for kind in RecordKind.allCases {
        try database.exportRecords(kind) { values in lines.append(kind.rawValue + ":" + values.map { $0 ?? "∅" }.joined(separator: "|")) }
    }
    return lines
}

/// A fingerprint of every table a failed import must leave alone: the records, custom field
/// values, activity digests and labels, memberships, and every run but the failed import's own
/// record (written after its transaction rolled back, on purpose).
func snapshot(_ database: CRMDatabase) throws -> [String] {
    var lines = try records(database)
    let queries = [
        "SELECT 'field', customer_pk, field, value, run_id FROM customer_fields ORDER BY customer_pk, field",
        "SELECT 'activity', customer_pk, hex(orders), hex(interactions) FROM customer_activity ORDER BY customer_pk",
        "SELECT 'label', id, text FROM labels ORDER BY id",
        "SELECT 'membership', segmentation_code, customer_pk, segment_code, since_run FROM memberships ORDER BY segmentation_code, customer_pk",
        "SELECT 'run', id, kind, subject, outcome, rows_read, inserted, updated, rejected FROM runs WHERE outcome <> 'failed' ORDER BY id",
    ]
    try database.read { db in
        for sql in queries {
            lines += try Row.fetchAll(db, sql: sql).map { row in row.databaseValues.map { String.fromDatabaseValue($0) ?? $0.description }.joined(separator: "|") }
        }
    }
    return lines
}

extension CRMError {
    /// The problems of an all-or-nothing import that refused its file.
    var importProblems: [ImportProblem] {
        if case .importRejected(let failure) = self { return failure.problems }
        return []
    }
}

/// A small deterministic generator (SplitMix64), so a failing randomised test can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
