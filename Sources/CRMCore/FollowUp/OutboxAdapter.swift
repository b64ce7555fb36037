import Foundation

/// Where `crm outbox send` delivers messages: appended as JSON lines to a file (flushed and
/// fsynced before the message counts as sent), or handed to a command on its standard input
/// (sent when it exits 0).
public enum OutboxAdapter: Sendable {
    case jsonLines(path: String)
    case command(String)

    /// Delivers one message (its JSON, one line); throws with what went wrong.
    func deliver(_ json: String) throws {
        switch self {
        case .jsonLines(let path): try append(json + "\n", to: path)
        case .command(let command): try run(command, input: json + "\n")
        }
    }

    private func append(_ line: String, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw CRMError.file(path: path, message: "cannot open for appending: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let bytes = Array(line.utf8)
        // One write() of the whole line: concurrent senders appending to one file never interleave lines.
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw CRMError.file(path: path, message: "cannot write: \(String(cString: strerror(errno)))") }
        guard fsync(descriptor) == 0 else { throw CRMError.file(path: path, message: "cannot fsync: \(String(cString: strerror(errno)))") }
    }

    private func run(_ command: String, input: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let stdin = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = FileHandle.nullDevice
        process.standardError = stderr
        do { try process.run() } catch { throw CRMError.invalidArgument("cannot start \(command): \(error)") }
        // A command that exits without reading its input must not kill us with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        try? stdin.fileHandleForWriting.write(contentsOf: Data(input.utf8))
        try? stdin.fileHandleForWriting.close()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let tail = String(decoding: errors.suffix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let how = process.terminationReason == .exit ? "exited with status \(process.terminationStatus)" : "was killed by signal \(process.terminationStatus)"
            throw CRMError.invalidArgument("the command \(how)" + (tail.isEmpty ? "" : ": \(tail)"))
        }
    }
}
