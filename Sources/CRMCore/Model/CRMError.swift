/// Errors a user can act on: each says what was wrong and where, without a stack trace.
public enum CRMError: Error, Equatable, CustomStringConvertible {
    /// The database file could not be opened or a statement failed.
    case database(path: String, message: String)
    /// Another process holds the write lock longer than the busy timeout.
    case busy(path: String)
    /// A file could not be read or written.
    case file(path: String, message: String)
    /// A command-line value or an API argument is not acceptable.
    case invalidArgument(String)
    /// Something that was looked up does not exist.
    case notFound(String)
    /// An import found bad records and wrote nothing.
    case importRejected(ImportFailure)
    /// A bug in crm itself; the message says which invariant broke.
    case internalInconsistency(String)

    public var description: String {
        switch self {
        case .database(let path, let message): return "\(path): database error: \(message)"
        case .busy(let path):
            return "\(path): the database is busy: another crm process is writing to it; try again when it has finished"
        case .file(let path, let message): return "\(path): \(message)"
        case .invalidArgument(let message): return message
        case .notFound(let message): return message
        case .importRejected(let failure): return failure.description
        case .internalInconsistency(let message): return "internal error (please report): \(message)"
        }
    }
}
