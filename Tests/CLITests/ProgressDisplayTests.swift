import Foundation
import Testing

/// Progress lines of `crm import` and `crm segment run`: drawn on standard error when it is a
/// terminal, never otherwise. `CRM_PROGRESS_INTERVAL_MS=0` makes every report due, so a small
/// data set would draw progress if it were allowed to.
@Suite("Progress on standard error only when it is a terminal", .serialized)
struct ProgressDisplayTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let eager = ["CRM_PROGRESS_INTERVAL_MS": "0"]

    /// A folder with 1,500 generated customers (about 16,000 orders) and an initialised database.
    private static func prepare(_ crm: CRMProcess) throws -> (data: String, db: String) {
        let data = crm.path("data")
        try #require(try crm.run("generate", "--customers", "1500", "--seed", "4", "--out", data).status == 0)
        let db = crm.path("crm.sqlite")
        try #require(try crm.run("init", "--db", db).status == 0)
        return (data, db)
    }

    private func importAll(_ crm: CRMProcess, data: String, db: String, run: ([String]) throws -> String) throws -> [String] {
        try ["customers", "orders", "interactions"].map { kind in
            try run(["import", kind, data + "/\(kind).csv", "--db", db])
        }
    }

    @Test("a pipe gets no progress text from imports and segment runs, only the messages")
    func pipeGetsNone() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        let (data, db) = try Self.prepare(crm)
        let stderrs = try importAll(crm, data: data, db: db) { arguments in
            let result = try crm.run(arguments, environment: Self.eager)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("records read"))
            return result.stderr
        }
        let run = try crm.run(
            ["segment", "run", "rfm", "--as-of", "2025-01-01T00:00:00Z", "--db", db, "--plugins", Self.repository + "/plugins"],
            environment: Self.eager)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("1500 customers, 1500 changed"))
        for text in stderrs + [run.stderr] {
            #expect(text.isEmpty, "stderr was: \(text.debugDescription)")
        }
    }

    @Test("a terminal gets one redrawn line with rows, rate, share and time left, cleared at the end")
    func terminalGetsProgress() throws {
        let script = "/usr/bin/script"
        try #require(FileManager.default.isExecutableFile(atPath: script), "util-linux script(1) runs crm on a terminal")
        let crm = try CRMProcess()
        defer { crm.remove() }
        let (data, db) = try Self.prepare(crm)
        // script(1) gives crm a pseudo-terminal on all three streams and copies it to stdout.
        func onTerminal(_ arguments: [String]) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: script)
            let command = ([CRMProcess.binary] + arguments).map { "'\($0)'" }.joined(separator: " ")
            process.arguments = ["-qec", command, "/dev/null"]
            process.currentDirectoryURL = URL(fileURLWithPath: crm.directory)
            var environment = ProcessInfo.processInfo.environment
            environment["CRM_PROGRESS_INTERVAL_MS"] = "0"
            process.environment = environment
            let out = Pipe()
            process.standardOutput = out
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(text)")
            return text
        }
        let outputs = try importAll(crm, data: data, db: db, run: onTerminal)
        let orders = outputs[1]
        let line = try #require(orders.components(separatedBy: "\r").first { $0.contains("orders.csv: 1,024 rows") })
        #expect(line.contains(" rows/s, ") && line.contains("%, ") && line.contains(" left"), "\(line.debugDescription)")
        // Cleared before the summary: carriage return and erase-to-end-of-line.
        #expect(orders.contains("\r\u{1B}[KImported orders"), "\(orders.debugDescription)")
        let run = try onTerminal([
            "segment", "run", "rfm", "--as-of", "2025-01-01T00:00:00Z", "--db", db, "--plugins", Self.repository + "/plugins",
        ])
        #expect(run.contains("rfm: 1,024 customers classified, "), "\(run.debugDescription)")
        #expect(run.contains("\r\u{1B}[Krfm (rfm "), "\(run.debugDescription)")
    }
}
