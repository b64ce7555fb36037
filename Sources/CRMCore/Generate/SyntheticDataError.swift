/// Why `SyntheticDataSet.write` could not write a data set; every case names what to fix.
public enum SyntheticDataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The options ask for something the generator cannot produce.
    case invalidOptions(String)
    /// The output folder does not exist and could not be created.
    case cannotCreateDirectory(path: String, reason: String)
    /// An output file could not be created or opened for writing.
    case cannotCreateFile(path: String, reason: String)
    /// Writing to (or closing) an output file failed part-way, e.g. a full disk.
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidOptions(let message):
            return "cannot generate data: \(message)"
        case .cannotCreateDirectory(let path, let reason):
            return "cannot create output folder \(path): \(reason)"
        case .cannotCreateFile(let path, let reason):
            return "cannot create \(path): \(reason)"
        case .writeFailed(let path, let reason):
            return "cannot write \(path): \(reason)"
        }
    }
}
