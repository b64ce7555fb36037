/// Finds the line of a key path in a plugin's source text, so schema errors point at a line
/// even though Lua tables do not remember where their keys were written.
///
/// It looks for each named component (`segmentations`, `vip`, `segments`) as `name =` (or
/// `["name"] =`) after the previous one and returns the line of the deepest one found.
struct SourceLocator {
    private let lines: [Substring]

    init(source: String) {
        lines = source.split(separator: "\n", omittingEmptySubsequences: false)
    }

    func line(of keyPath: [String]) -> Int? {
        var found: Int?
        var start = 0
        for component in keyPath where !component.hasPrefix("[") {
            guard let line = firstLine(assigning: component, from: start) else { break }
            found = line + 1
            start = line
        }
        return found
    }

    private func firstLine(assigning key: String, from start: Int) -> Int? {
        guard start < lines.count else { return nil }
        for index in start..<lines.count where assigns(lines[index], key) {
            return index
        }
        return nil
    }

    private func assigns(_ line: Substring, _ key: String) -> Bool {
        let code = line
        for pattern in ["\(key) =", "\(key)=", "[\"\(key)\"] =", "[\"\(key)\"]="] {
            var searchStart = code.startIndex
            while let range = code[searchStart...].range(of: pattern) {
                let before = range.lowerBound == code.startIndex ? nil : code[code.index(before: range.lowerBound)]
                if before.map({ !($0.isLetter || $0.isNumber || $0 == "_" || $0 == ".") }) ?? true { return true }
                searchStart = range.upperBound
            }
        }
        return false
    }
}
