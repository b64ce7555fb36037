import Foundation

#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
private let systemClose = Glibc.close
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
private let systemClose = Darwin.close
#endif

/// Writes CSV that `CSVReader` reads back exactly: fields separated by `,`, records ended by `\n`,
/// a field quoted only when it contains `,`, `"`, CR or LF (quotes doubled inside). Spaces are kept
/// as they are, unquoted. Output is buffered; call `close()` (or `flush()`) and check its error.
///
/// ```swift
/// let rejects = try CSVWriter(path: "rejects.csv")
/// try rejects.write(row: ["line", "reason"])
/// try rejects.write(row: ["12", "column 'amount': \"1,50\" is not a decimal number"])
/// try rejects.close()
/// ```
public final class CSVWriter {
    /// Where the output goes, as given (`<stdout>` for standard output).
    public let path: String
    private var descriptor: Int32
    private let ownsDescriptor: Bool
    private var buffer: [UInt8] = []
    private static let bufferLimit = 1 << 16

    /// Creates (or truncates) the file at `path`.
    public init(path: String) throws(CSVError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Self.failure(path, "cannot create") }
        self.path = path
        descriptor = fd
        ownsDescriptor = true
        buffer.reserveCapacity(Self.bufferLimit + 1024)
    }

    /// Writes to an open file handle, which stays open after `close()` (its owner closes it).
    public init(fileHandle: FileHandle, name: String) {
        path = name
        descriptor = fileHandle.fileDescriptor
        ownsDescriptor = false
        buffer.reserveCapacity(Self.bufferLimit + 1024)
    }

    /// A writer on standard output.
    public static func standardOutput() -> CSVWriter {
        CSVWriter(fileHandle: .standardOutput, name: "<stdout>")
    }

    deinit {
        // Best effort; `close()` is where errors are reported.
        try? flush()
        if ownsDescriptor, descriptor >= 0 { _ = systemClose(descriptor) }
    }

    /// Appends one record. Throws `emptyRow` for no fields; a single empty field is written as
    /// `""` so it does not read back as a blank line.
    public func write(row: [String]) throws(CSVError) {
        guard !row.isEmpty else { throw CSVError(path: path, line: 0, kind: .emptyRow) }
        if row.count == 1, row[0].isEmpty {
            buffer.append(contentsOf: [0x22, 0x22])
        } else {
            for (position, field) in row.enumerated() {
                if position > 0 { buffer.append(0x2C) }
                append(field)
            }
        }
        buffer.append(0x0A)
        if buffer.count >= Self.bufferLimit { try flush() }
    }

    /// Appends a record made of `fields` followed by `raw`, a record of another CSV file written
    /// byte for byte (it is not quoted or re-encoded): how a rejects file keeps a record that is
    /// not UTF-8 exactly as it was.
    public func write(fields: [String], thenRaw raw: [UInt8]) throws(CSVError) {
        for field in fields {
            append(field)
            buffer.append(0x2C)
        }
        buffer.append(contentsOf: raw)
        buffer.append(0x0A)
        if buffer.count >= Self.bufferLimit { try flush() }
    }

    /// Writes out everything buffered so far.
    public func flush() throws(CSVError) {
        guard !buffer.isEmpty else { return }
        guard descriptor >= 0 else { throw CSVError(path: path, line: 0, kind: .cannotWrite(reason: "already closed")) }
        var failed = false
        buffer.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count, let base = bytes.baseAddress {
                let written = systemWrite(descriptor, base + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failed = true
                    return
                }
                offset += written
            }
        }
        if failed { throw Self.failure(path, "cannot write") }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and, for a file opened by path, closes it. Later writes fail.
    public func close() throws(CSVError) {
        try flush()
        guard descriptor >= 0 else { return }
        let fd = descriptor
        descriptor = -1
        if ownsDescriptor, systemClose(fd) != 0 { throw Self.failure(path, "cannot close") }
    }

    private func append(_ field: String) {
        let utf8 = field.utf8
        guard utf8.contains(where: Self.needsQuotes) else {
            buffer.append(contentsOf: utf8)
            return
        }
        buffer.append(0x22)
        for byte in utf8 {
            if byte == 0x22 { buffer.append(0x22) }
            buffer.append(byte)
        }
        buffer.append(0x22)
    }

    /// Comma, quote, LF and CR are the bytes that force a field into quotes.
    private static func needsQuotes(_ byte: UInt8) -> Bool {
        byte == 0x2C || byte == 0x22 || byte == 0x0A || byte == 0x0D
    }

    private static func failure(_ path: String, _ action: String) -> CSVError {
        let message = String(cString: strerror(errno))
        return CSVError(path: path, line: 0, kind: .cannotWrite(reason: "\(action): \(message)"))
    }
}
