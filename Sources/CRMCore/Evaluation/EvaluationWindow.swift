/// How long after an as-of an evaluation looks: `90d` (days) or `12w` (weeks).
public struct EvaluationWindow: Sendable, Equatable, CustomStringConvertible {
    public let days: Int

    public init(days: Int) {
        self.days = days
    }

    /// Parses `90d` or `12w`; anything else is an error that shows the accepted forms.
    public static func parse(_ text: String) throws -> EvaluationWindow {
        let unit = text.last
        let number = Int(text.dropLast())
        guard let number, number > 0, number <= 3650, let unit, unit == "d" || unit == "w" else {
            throw CRMError.invalidArgument(
                "window \"\(text)\" does not parse: write a whole number of days or weeks, like 90d or 12w (at most 10 years)")
        }
        return EvaluationWindow(days: unit == "w" ? number * 7 : number)
    }

    /// The end of the window that starts at `start`.
    public func end(after start: Timestamp) -> Timestamp {
        Timestamp(microsecondsSinceEpoch: start.microsecondsSinceEpoch + Int64(days) * 86_400_000_000)
    }

    public var description: String { "\(days)d" }
}
