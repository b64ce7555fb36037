import Foundation
import Testing

@testable import CRMCore

enum Plugins {
    /// The repository's `plugins/` folder.
    static var builtIn: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("plugins").path
    }

    static var examples: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/plugins").path
    }

    /// A plugin folder in the sandbox holding the given files.
    static func folder(in sandbox: Sandbox, _ files: [String: String]) throws -> String {
        let directory = sandbox.path("plugins")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8) }
        return directory
    }

    static let asOf = Timestamp(iso8601: "2025-01-01T00:00:00Z")!

    /// Runs `segmentation` of the built-in plugins on the fixtures and returns segment by customer id.
    static func segments(_ segmentation: String, sandbox: Sandbox) throws -> [String: Membership] {
        let database = try Fixture.trickyDatabase(in: sandbox)
        let catalog = PluginCatalog.load(directories: [builtIn])
        #expect(catalog.failures.isEmpty, "\(catalog.failures)")
        let results = try SegmentationEngine(database: database, catalog: catalog).run([segmentation], asOf: asOf)
        if case .failure(let error) = results.first { Issue.record("\(error)") }
        let members = try SegmentReasons(database: database, catalog: catalog).members(segmentation: segmentation)
        return Dictionary(uniqueKeysWithValues: members.map { ($0.customerID, $0) })
    }
}
