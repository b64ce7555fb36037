import Foundation
import Testing

/// The HTML report opened in a real headless Chromium (installed by `scripts/ensure-chromium`
/// when missing), driven over the DevTools protocol by `scripts/report-in-browser`.
@Suite("The HTML report in a real browser", .serialized)
struct ReportBrowserTests {
    static var repository: String { SegmentCommandTests.repository }

    /// Runs a repository script and returns its standard output; a failure fails the test.
    static func script(_ name: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: repository + "/scripts/" + name)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.fileReadUnknown, userInfo: [
                NSLocalizedDescriptionKey: "scripts/\(name) failed: \(String(decoding: stderr, as: UTF8.self))",
            ])
        }
        return String(decoding: stdout, as: UTF8.self)
    }

    /// What the browser saw: console errors, requests, the rendered size of every SVG.
    static func open(_ page: String) throws -> [String: Any] {
        _ = try script("ensure-chromium", [])
        let output = try script("report-in-browser", [page])
        return try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
    }

    @Test("the report on the example data loads with no console error and no request, every chart rendered with a size")
    func reportInBrowser() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        let plugins = ["--plugins", Self.repository + "/plugins"]
        try crm.run("init")
        for kind in ["customers", "orders", "interactions"] {
            try crm.run("import", kind, Self.repository + "/examples/\(kind).csv")
        }
        for asOf in ["2024-03-01", "2024-06-01", "2024-10-01"] {
            let run = try crm.run(["segment", "run", "--as-of", asOf] + plugins)
            #expect(run.status == 0, "\(run.stderr)")
        }
        let written = try crm.run(["report", "--html", "report.html"] + plugins)
        #expect(written.status == 0, "\(written.stderr)")
        let page = try Self.open(crm.path("report.html"))
        #expect((page["console_errors"] as? [String]) == [])
        #expect((page["requests"] as? [String]) == [])
        #expect(page["scripts"] as? Int == 0)
        let svgs = try #require(page["svgs"] as? [[String: Any]])
        let ids = svgs.compactMap { $0["id"] as? String }
        for prefix in ["sizes-", "grid-", "moves-", "outcomes-", "follow-ups"] {
            #expect(ids.contains { $0.hasPrefix(prefix) }, "no \(prefix) chart in \(ids)")
        }
        for svg in svgs {
            #expect((svg["width"] as? Double ?? 0) > 0 && (svg["height"] as? Double ?? 0) > 0, "\(svg)")
            #expect(!(svg["title"] as? String ?? "").isEmpty, "\(svg)")
        }
        #expect((page["tables"] as? Int ?? 0) >= svgs.count)
    }

    @Test("the browser check sees a console error and a network request when a page makes them")
    func checkerSeesProblems() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        let page = try crm.write("bad.html", """
            <!doctype html><html><head><title>bad</title></head><body>
            <img src="http://127.0.0.1:9/missing.png" alt="">
            <script>console.error("boom")</script></body></html>
            """)
        let seen = try Self.open(page)
        #expect((seen["console_errors"] as? [String])?.contains("boom") == true, "\(seen)")
        #expect((seen["requests"] as? [String]) == ["http://127.0.0.1:9/missing.png"], "\(seen)")
    }
}
