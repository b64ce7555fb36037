import Foundation
import Testing

@testable import CRMCore

@Suite("Plugin loading and validation")
struct PluginLoadingTests {
    func failure(_ source: String) throws -> PluginFailure {
        let sandbox = try Sandbox()
        let file = try sandbox.file("broken.lua", source)
        guard case .failure(let failure) = PluginCatalog.check(file: file) else {
            throw CRMError.internalInconsistency("the plugin should not load")
        }
        return failure
    }

    @Test("a wrong segment entry is reported with file, line and key path")
    func segmentEntryError() throws {
        let failure = try failure("""
            return {
              name = "vip", version = "1.0.0", description = "d",
              segmentations = {
                vip = {
                  segments = { "VIP", "Ordinary", 3 },
                  classify = function(c) return "VIP" end,
                },
              },
            }
            """)
        let problem = try #require(failure.problems.first)
        #expect(problem.keyPath == "segmentations.vip.segments[3]")
        #expect(problem.line == 5)
        #expect(problem.description.hasSuffix("broken.lua:5: segmentations.vip.segments[3]: expected a string, got a number"))
    }

    @Test("an empty name says it is empty; an enum field without values asks for values, not segments")
    func emptyNamesAndMissingValues() throws {
        let failure = try failure("""
            return {
              name = "vip", version = "1.0.0", description = "",
              fields = { level = { type = "enum" } },
              segmentations = { vip = { segments = { "VIP", "" }, classify = function(c) return "VIP" end } },
            }
            """)
        let messages = Dictionary(uniqueKeysWithValues: failure.problems.map { ($0.keyPath, $0.message) })
        #expect(messages["description"] == "expected a non-empty string, got an empty one")
        #expect(messages["segmentations.vip.segments[2]"] == "expected a non-empty string, got an empty one")
        #expect(messages["fields.level.values"] == "missing: list the values the field may take")
    }

    @Test("unknown keys are rejected with the allowed ones named")
    func unknownKeys() throws {
        let failure = try failure("""
            return {
              name = "vip", version = "1.0.0", description = "d", colour = "red",
              segmentations = { vip = { segments = { "A" }, classify = function() return "A" end, clasify = 1 } },
            }
            """)
        let paths = failure.problems.map(\.keyPath).sorted()
        #expect(paths == ["colour", "segmentations.vip.clasify"])
        #expect(failure.problems.allSatisfy { $0.message.contains("allowed:") })
    }

    @Test("a syntax error names the file and line")
    func syntaxError() throws {
        let failure = try failure("return {\n  name = 'x',\n  version = ,\n}")
        #expect(failure.problems.first?.line == 3)
        #expect(failure.description.contains("broken.lua:3:"))
    }

    @Test("a rank over a field that does not exist, and a missing classify, are reported")
    func badRankAndMissingClassify() throws {
        let failure = try failure("""
            return {
              name = "x", version = "1", description = "d",
              segmentations = { x = { segments = { "A" }, rank = { r = { by = "recency" } } } },
            }
            """)
        let messages = failure.problems.map(\.description)
        #expect(messages.contains { $0.contains("segmentations.x.rank.r.by: 'recency' is not a profile field") })
        #expect(messages.contains { $0.contains("segmentations.x: missing 'classify'") })
    }

    @Test("a broken plugin is skipped and the others still load")
    func brokenPluginIsSkipped() throws {
        let sandbox = try Sandbox()
        let folder = try Plugins.folder(in: sandbox, [
            "a_broken.lua": "return {",
            "b_good.lua": SegmentationEngineTests.plugin("return \"Buyer\""),
        ])
        let catalog = PluginCatalog.load(directories: [folder])
        #expect(catalog.plugins.map(\.name) == ["tiny"])
        #expect(catalog.failures.map { ($0.file as NSString).lastPathComponent } == ["a_broken.lua"])
    }

    @Test("two plugins defining one segmentation: neither loads, each failure names the other file")
    func duplicateSegmentation() throws {
        let sandbox = try Sandbox()
        let folder = try Plugins.folder(in: sandbox, [
            "a.lua": SegmentationEngineTests.plugin("return \"Buyer\""),
            "b.lua": SegmentationEngineTests.plugin("return \"Buyer\"").replacingOccurrences(of: "name = \"tiny\"", with: "name = \"other\""),
        ])
        let catalog = PluginCatalog.load(directories: [folder])
        #expect(catalog.plugins.isEmpty)
        #expect(catalog.conflicts.map { "\($0.kind) \($0.name)" } == ["segmentation tiny"])
        #expect(catalog.conflicts.first?.description == "segmentation 'tiny' is defined by both \(folder)/a.lua and \(folder)/b.lua; rename one or move it out of the plugin folder")
        let failures = catalog.failures.map(\.description)
        #expect(failures == [
            "\(folder)/a.lua: segmentation 'tiny' is also defined by \(folder)/b.lua; neither is loaded",
            "\(folder)/b.lua: segmentation 'tiny' is also defined by \(folder)/a.lua; neither is loaded",
        ])
    }

    @Test("a score name or plugin name defined twice is a conflict too")
    func duplicateScoreAndPlugin() throws {
        let sandbox = try Sandbox()
        let score = "return { name = 'NAME', version = '1', description = 'd', scores = { s = { compute = function() return 1 end } } }"
        let folder = try Plugins.folder(in: sandbox, [
            "a.lua": score.replacingOccurrences(of: "NAME", with: "a"),
            "b.lua": score.replacingOccurrences(of: "NAME", with: "a"),
            "c.lua": score.replacingOccurrences(of: "NAME", with: "c").replacingOccurrences(of: "{ s = {", with: "{ t = {"),
        ])
        let catalog = PluginCatalog.load(directories: [folder])
        #expect(catalog.conflicts.map { "\($0.kind) \($0.name)" } == ["plugin a", "score s"])
        #expect(catalog.plugins.map(\.name) == ["c"])
    }

    @Test("plugin states are isolated: one plugin tampering with string does not affect another")
    func isolation() throws {
        let sandbox = try Sandbox()
        let folder = try Plugins.folder(in: sandbox, [
            "a.lua": "string.format = nil\nmath.floor = nil\n" + SegmentationEngineTests.plugin("return \"Buyer\""),
            "b.lua": SegmentationEngineTests.plugin("return \"Buyer\", string.format('%d', math.floor(2.5))")
                .replacingOccurrences(of: "name = \"tiny\"", with: "name = \"other\"")
                .replacingOccurrences(of: "tiny = {", with: "other = {"),
        ])
        let database = try Fixture.trickyDatabase(in: sandbox)
        let catalog = PluginCatalog.load(directories: [folder])
        #expect(catalog.failures.isEmpty, "\(catalog.failures)")
        _ = try SegmentationEngine(database: database, catalog: catalog).run(["other"], asOf: Plugins.asOf)
        #expect(try SegmentReasons(database: database, catalog: catalog).members(segmentation: "other").first?.reason == "2")
    }

    @Test("the annotations file documents every profile field")
    func annotationsCoverProfile() throws {
        let text = try String(contentsOfFile: Plugins.builtIn + "/crm.d.lua", encoding: .utf8)
        for field in ProfileField.all(shape: .standard) {
            #expect(text.contains("---@field \(field.name) "), "crm.d.lua lacks \(field.name)")
        }
    }

    @Test("the content hash is SHA-256")
    func contentHash() {
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array(repeating: UInt8(ascii: "a"), count: 1000)).hasPrefix("41edece42d63e8d9"))
    }
}
