#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The read-only bytes of a whole file: memory-mapped when the system allows it (regular files),
/// otherwise read into memory (pipes, `/dev/stdin`, file systems without mmap). Empty files have
/// no bytes and no mapping.
final class MappedFile {
    /// First byte, or nil for an empty file.
    let bytes: UnsafePointer<UInt8>?
    /// Number of bytes.
    let count: Int
    private let isMapped: Bool
    /// Bytes before this offset have been handed back to the kernel.
    private var released = 0
    private static let releaseStep = 32 << 20

    /// Maps or reads the file at `path`.
    init(path: String) throws(CSVError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Self.failure(path, "cannot open") }
        defer { close(fd) }

        var status = stat()
        if fstat(fd, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, status.st_size > 0 {
            let size = Int(status.st_size)
            if let mapping = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0),
                mapping != UnsafeMutableRawPointer(bitPattern: -1)
            {
                _ = madvise(mapping, size, MADV_SEQUENTIAL)
                bytes = UnsafePointer(mapping.bindMemory(to: UInt8.self, capacity: size))
                count = size
                isMapped = true
                return
            }
        }
        (bytes, count) = try Self.readAll(fd, path: path)
        isMapped = false
    }

    /// Tells the kernel the pages before `offset` are no longer needed, so reading a large file
    /// keeps resident memory flat (the pages are read again from the file if ever touched).
    func release(upTo offset: Int) {
        guard isMapped, let bytes, offset - released >= Self.releaseStep else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let end = offset / page * page
        guard end > released else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: bytes + released), end - released, MADV_DONTNEED)
        released = end
    }

    /// A copy of `content`, for input that is already in memory.
    init(copying content: [UInt8]) {
        count = content.count
        isMapped = false
        guard !content.isEmpty else {
            bytes = nil
            return
        }
        let storage = UnsafeMutablePointer<UInt8>.allocate(capacity: content.count)
        storage.initialize(from: content, count: content.count)
        bytes = UnsafePointer(storage)
    }

    deinit {
        guard let bytes else { return }
        if isMapped {
            _ = munmap(UnsafeMutableRawPointer(mutating: bytes), count)
        } else {
            bytes.deallocate()
        }
    }

    /// Reads `fd` to its end into a heap buffer (nil for no bytes).
    private static func readAll(_ fd: Int32, path: String) throws(CSVError) -> (UnsafePointer<UInt8>?, Int) {
        var capacity = 1 << 16
        var storage = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        var used = 0
        while true {
            if used == capacity {
                let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
                grown.moveInitialize(from: storage, count: used)
                storage.deallocate()
                storage = grown
                capacity *= 2
            }
            let got = read(fd, storage + used, capacity - used)
            if got == 0 { break }
            if got < 0 {
                if errno == EINTR { continue }
                let error = failure(path, "cannot read")
                storage.deallocate()
                throw error
            }
            used += got
        }
        guard used > 0 else {
            storage.deallocate()
            return (nil, 0)
        }
        return (UnsafePointer(storage), used)
    }

    /// A `cannotOpen` error with the system's explanation of `errno`.
    static func failure(_ path: String, _ action: String) -> CSVError {
        let message = String(cString: strerror(errno))
        return CSVError(path: path, line: 0, kind: .cannotOpen(reason: "\(action): \(message)"))
    }
}
