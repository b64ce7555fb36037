/// A cron expression or time zone that cannot be used, naming the part that is wrong.
///
/// ```
/// cron "0 0 32 * *": day-of-month: 32 is not in 1-31
/// ```
public struct CronError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The expression as written.
    public let expression: String
    /// The field at fault (`minute`, `hour`, `day-of-month`, `month`, `day-of-week`,
    /// `time zone`), or nil when the expression as a whole is wrong.
    public let field: String?
    public let message: String

    public init(expression: String, field: String?, message: String) {
        self.expression = expression
        self.field = field
        self.message = message
    }

    public var description: String {
        "cron \"\(expression)\": " + (field.map { "\($0): " } ?? "") + message
    }
}
