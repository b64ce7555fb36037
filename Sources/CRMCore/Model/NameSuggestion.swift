/// "Did you mean": the known name closest to a mistyped one, for messages about unknown names.
public enum NameSuggestion {
    /// The closest of `known` to `name`: a case-insensitive match first, else the nearest by
    /// edit distance when that is at most a third of the name's length (at least 1).
    public static func closest(to name: String, among known: [String]) -> String? {
        if let match = known.first(where: { $0.lowercased() == name.lowercased() }) { return match }
        let limit = max(1, name.count / 3)
        let scored = known.map { ($0, distance(Array(name.lowercased()), Array($0.lowercased()))) }.filter { $0.1 <= limit }
        return scored.min { $0.1 < $1.1 }?.0
    }

    /// `; did you mean 'x'?` when one is close, else the known names (up to 10), for the end of a message.
    public static func hint(for name: String, among known: [String]) -> String {
        if let match = closest(to: name, among: known) { return "; did you mean '\(match)'?" }
        if known.isEmpty { return "" }
        let shown = known.prefix(10).map { "'\($0)'" }.joined(separator: ", ")
        return " (known: \(shown)\(known.count > 10 ? ", …" : ""))"
    }

    /// The error for an unknown name of some kind: `no segmentation named 'rfn'; did you mean 'rfm'?`.
    public static func unknown(_ kind: String, _ name: String, known: [String], context: String = "") -> CRMError {
        .notFound("no \(kind) named '\(name)'\(context)" + (known.isEmpty ? " (there are none)" : hint(for: name, among: known)))
    }

    /// Levenshtein distance.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: b.count)
            for (j, y) in b.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
