import Foundation

/// `crm demo`: a fresh database built from the example files, so a new user sees the product
/// working on real data in one command.
public enum Demo {
    /// What the demo did and found.
    public struct Report: Sendable {
        public let databasePath: String
        public let imports: [ImportSummary]
        public let summary: DatabaseSummary
        public let currency: Currency
    }

    /// Marks a database as the demo's own, so `crm demo` never replaces a real one.
    static let marker = "demo"

    /// Builds the demo database at `databasePath` from `examples/{customers,orders,interactions}.csv`.
    ///
    /// A file already at `databasePath` is replaced only when an earlier demo made it.
    public static func build(examples: String, databasePath: String) throws -> Report {
        let files = RecordKind.allCases.map { (kind: $0, path: (examples as NSString).appendingPathComponent("\($0.rawValue).csv")) }
        for file in files where !FileManager.default.fileExists(atPath: file.path) {
            throw CRMError.file(path: file.path, message: "missing; the demo reads the example data from \(examples)/ (pass --examples DIR)")
        }
        try removePreviousDemo(at: databasePath)
        let database = try CRMDatabase(path: databasePath)
        try database.markAsDemo()
        let importer = Importer(database: database)
        let imports = try files.map { try importer.importFile($0.kind, path: $0.path) }
        return Report(databasePath: databasePath, imports: imports, summary: try database.summary(), currency: try database.currency())
    }

    private static func removePreviousDemo(at path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        let madeByDemo = try CRMDatabase(path: path).isDemo()
        guard madeByDemo else {
            throw CRMError.invalidArgument(
                "\(path) holds a database that the demo did not create; pass another --db for the demo")
        }
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            try FileManager.default.removeItem(atPath: path + suffix)
        }
    }
}
