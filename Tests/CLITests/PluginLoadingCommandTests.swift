import Foundation
import Testing

@Suite("Plugin loading from the command line: conflicts, leftovers, missing folders, broken plugins")
struct PluginLoadingCommandTests {
    /// The fixtures imported and a `plugins` folder holding a copy of the built-in `rfm`.
    static func withRFM() throws -> CRMProcess {
        let crm = try SegmentCommandTests.withFixtures()
        try FileManager.default.createDirectory(atPath: crm.path("plugins"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: SegmentCommandTests.repository + "/plugins/rfm.lua", toPath: crm.path("plugins/rfm.lua"))
        return crm
    }

    static func rfmSource(version: String) throws -> String {
        try String(contentsOfFile: SegmentCommandTests.repository + "/plugins/rfm.lua", encoding: .utf8)
            .replacingOccurrences(of: "version = \"1.1.0\"", with: "version = \"\(version)\"")
    }

    @Test("an old copy of rfm.lua under another file name is an error naming both files, not a silent winner")
    func copiedPlugin() throws {
        let crm = try Self.withRFM()
        defer { crm.remove() }
        try crm.write("plugins/0ld_rfm.lua", try Self.rfmSource(version: "0.9.0"))
        let run = try crm.run("segment", "run", "rfm", "--as-of", "2025-01-01")
        #expect(run.status == 1)
        #expect(run.stderr.contains("plugin 'rfm' is defined by both plugins/0ld_rfm.lua and plugins/rfm.lua"), "\(run.stderr)")
        #expect(!run.stdout.contains("0.9.0"))
        let members = try crm.run("segment", "members", "rfm")
        #expect(members.status == 1)
        #expect(members.stderr.contains("plugin 'rfm' is defined by both"))
        let list = try crm.run("plugin", "list", "--format", "csv")
        #expect(list.status == 1)
        #expect(list.stdout.contains("plugins/rfm.lua,,failed,"), "\(list.stdout)")
        #expect(list.stdout.contains("plugins/0ld_rfm.lua,,failed,"))
    }

    @Test("a new plugin reusing a segmentation name of another does not take it over")
    func segmentationNameReused() throws {
        let crm = try Self.withRFM()
        defer { crm.remove() }
        try crm.write("plugins/mine.lua", """
            return { name = "mine", version = "1", description = "d",
              segmentations = { rfm = { segments = { "All" }, classify = function() return "All" end } } }
            """)
        let run = try crm.run("segment", "run", "--as-of", "2025-01-01")
        #expect(run.status == 1)
        #expect(run.stderr.contains("segmentation 'rfm' is defined by both plugins/mine.lua and plugins/rfm.lua"), "\(run.stderr)")
        #expect(try crm.run("export", "customers").status == 1)
    }

    @Test("hidden files and editor leftovers in the plugin folder are not plugins")
    func editorLeftovers() throws {
        let crm = try Self.withRFM()
        defer { crm.remove() }
        for name in [".#rfm.lua", "#rfm.lua#", "rfm.lua~", ".rfm.lua"] {
            try crm.write("plugins/" + name, try Self.rfmSource(version: "0.0.1"))
        }
        let run = try crm.run("segment", "run", "rfm", "--as-of", "2025-01-01")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("rfm (rfm 1.1.0)"))
        let list = try crm.run("plugin", "list", "--format", "csv")
        #expect(list.status == 0)
        #expect(list.stdout.split(separator: "\n").count == 2, "\(list.stdout)")
    }

    @Test("a missing plugin folder is an error: named by --plugins or $CRM_PLUGINS, or the default when plugins are needed")
    func missingFolder() throws {
        let crm = try SegmentCommandTests.withFixtures()
        defer { crm.remove() }
        let run = try crm.run("segment", "run")
        #expect(run.status == 1)
        #expect(run.stderr.contains("plugins: no such plugin folder (the default plugin folder); run crm where ./plugins is, or pass --plugins DIR"), "\(run.stderr)")
        let named = try crm.run("segment", "list", "--plugins", "nosuch")
        #expect(named.status == 1)
        #expect(named.stderr.contains("nosuch: no such plugin folder (--plugins)"))
        let env = try crm.run(["customer", "list"], environment: ["CRM_PLUGINS": "gone"])
        #expect(env.status == 1)
        #expect(env.stderr.contains("gone: no such plugin folder ($CRM_PLUGINS)"))
        let demo = try crm.run("demo", "--examples", SegmentCommandTests.repository + "/examples")
        #expect(demo.status == 1)
        #expect(demo.stderr.contains("plugins: no such plugin folder; the demo runs the plugins in it"), "\(demo.stderr)")
        // Without plugins and without custom-field values, customers still export.
        #expect(try crm.run("export", "customers").status == 0)
        try FileManager.default.copyItem(atPath: SegmentCommandTests.repository + "/plugins", toPath: crm.path("plugins"))
        #expect(try crm.run("field", "set", "1", "preferred_channel", "email").status == 0)
        try FileManager.default.removeItem(atPath: crm.path("plugins"))
        let export = try crm.run("export", "customers")
        #expect(export.status == 1, "custom-field columns must not silently go missing")
        #expect(export.stdout.isEmpty)
    }

    @Test("segment run (all) and score run run the others but exit 1 when a plugin fails to load; plugin list marks it")
    func brokenPlugin() throws {
        let crm = try Self.withRFM()
        defer { crm.remove() }
        try crm.write("plugins/broken.lua", "return { name = 'broken', version = '1' ")
        let run = try crm.run("segment", "run", "--as-of", "2025-01-01")
        #expect(run.status == 1)
        #expect(run.stdout.contains("rfm (rfm 1.1.0) as of 2025-01-01T00:00:00Z: 20 customers, 20 changed"))
        #expect(run.stderr.contains("warning: plugin not loaded: plugins/broken.lua:1:"), "\(run.stderr)")
        #expect(try crm.run("segment", "run", "rfm", "--as-of", "2025-01-01").status == 0, "a named run does not need the broken plugin")
        try FileManager.default.copyItem(
            atPath: SegmentCommandTests.repository + "/examples/plugins/churn_risk.lua", toPath: crm.path("plugins/churn_risk.lua"))
        let scores = try crm.run("score", "run", "--as-of", "2025-01-01")
        #expect(scores.status == 1)
        #expect(scores.stdout.contains("churn_risk (churn_risk 0.1.0): 20 customers"), "\(scores.stdout)")
        let list = try crm.run("plugin", "list", "--format", "csv")
        #expect(list.status == 1)
        #expect(list.stdout.contains("plugins/broken.lua,,failed,"))
    }
}
