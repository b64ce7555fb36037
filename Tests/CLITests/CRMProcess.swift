import Foundation
import Testing

/// Runs the built `crm` binary as a user would, in a temporary working folder.
struct CRMProcess {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The `crm` executable next to the test bundle (override with `CRM_BINARY`).
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["CRM_BINARY"] { return path }
        let testBinary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: testBinary).deletingLastPathComponent()
        // On Linux the tests run from `<build>/crmPackageTests.xctest`; macOS nests the binary in a bundle.
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("crm").path), directory.path != "/" {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("crm").path
    }

    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "crm-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { directory + "/" + name }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try text.write(toFile: path(name), atomically: true, encoding: .utf8)
        return path(name)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Starts `crm` with `arguments` without waiting for it.
    func start(_ arguments: [String], environment: [String: String] = [:], input: Pipe? = nil) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        env["CRM_DB"] = nil
        env["CRM_PLUGINS"] = nil
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        if let input { process.standardInput = input }
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    /// Runs `crm` with `arguments` to completion.
    @discardableResult
    func run(_ arguments: String..., environment: [String: String] = [:]) throws -> Result {
        try run(arguments, environment: environment)
    }

    @discardableResult
    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let (process, out, err) = try start(arguments, environment: environment)
        return Self.finish(process, out, err)
    }

    private static func finish(_ process: Process, _ out: Pipe, _ err: Pipe) -> Result {
        // Read before waiting so a full pipe cannot block the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Runs `crm` with `arguments`, `input` on its standard input.
    func run(_ arguments: [String], input: Data) throws -> Result {
        let stdin = Pipe()
        let (process, out, err) = try start(arguments, input: stdin)
        // Small inputs fit the pipe buffer; closing it ends the child's input.
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        return Self.finish(process, out, err)
    }

    /// The shared fixtures, copied into the CRMCore test target.
    static func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("CRMCoreTests/Fixtures/\(name)").path
    }
}
