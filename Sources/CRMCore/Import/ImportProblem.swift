/// One thing wrong with an input file, located precisely enough to fix it in an editor.
///
/// Reads like `orders.csv:4: column 'amount': "1,50" is not a decimal number`.
public struct ImportProblem: Equatable, Sendable, CustomStringConvertible {
    /// The file as the user named it.
    public let file: String
    /// The physical line where the record starts (1 is the header).
    public let line: Int
    /// The column the problem is in, when it is about one value.
    public let column: String?
    /// What is wrong, quoting the value when there is one.
    public let reason: String

    public init(file: String, line: Int, column: String? = nil, reason: String) {
        self.file = file
        self.line = line
        self.column = column
        self.reason = reason
    }

    public var description: String {
        if let column {
            return "\(file):\(line): column '\(column)': \(reason)"
        }
        return "\(file):\(line): \(reason)"
    }

    /// The reason as the rejects file's `reason` column shows it.
    var rejectReason: String {
        if let column { return "column '\(column)': \(reason)" }
        return reason
    }
}

/// Why an all-or-nothing import wrote nothing.
public struct ImportFailure: Equatable, Sendable, CustomStringConvertible {
    public let file: String
    /// The problems found, in line order, at most the limit the import was given.
    public let problems: [ImportProblem]
    /// True when the import stopped looking after reaching the limit.
    public let stoppedEarly: Bool
    /// Whether `--skip-invalid` is there to import the good records (not for contact files).
    public var canSkipInvalid = true

    public var description: String {
        var lines = [
            "\(file): nothing was imported: \(problems.count)\(stoppedEarly ? " or more" : "") "
                + (problems.count == 1 && !stoppedEarly ? "problem" : "problems")
                + (stoppedEarly ? " (showing the first \(problems.count))" : "") + ":"
        ]
        lines += problems.map { "  \($0)" }
        if problems.contains(where: { $0.reason.hasPrefix(CSVError(path: "", line: 0, kind: .invalidUTF8).reason) }) {
            lines.append(CSVError.encodingHint)
        }
        lines.append(
            canSkipInvalid
                ? "Fix the file and import it again, or use --skip-invalid to import the good records and write the bad ones to a rejects file."
                : "Fix the file and import it again.")
        return lines.joined(separator: "\n")
    }
}
