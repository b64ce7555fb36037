import Foundation

/// Small pieces of HTML the report is built from; every text from data goes through `escape`.
enum HTML {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// A table with a caption; cells are escaped; numeric columns (by index) align right.
    static func table(caption: String, columns: [String], rows: [[String]], numeric: Set<Int> = []) -> String {
        var html = "<table><caption>\(escape(caption))</caption><thead><tr>"
        for (index, column) in columns.enumerated() {
            html += "<th scope=\"col\"\(numeric.contains(index) ? " class=\"num\"" : "")>\(escape(column))</th>"
        }
        html += "</tr></thead><tbody>"
        for row in rows {
            html += "<tr>"
            for (index, cell) in row.enumerated() {
                html += index == 0 ? "<th scope=\"row\">\(escape(cell))</th>" : "<td\(numeric.contains(index) ? " class=\"num\"" : "")>\(escape(cell))</td>"
            }
            html += "</tr>"
        }
        if rows.isEmpty { html += "<tr><td colspan=\"\(columns.count)\">none</td></tr>" }
        return html + "</tbody></table>"
    }

    /// A chart and the sentence that says what it shows, as one figure.
    static func figure(_ svg: String, caption: String) -> String {
        "<figure>\(svg)<figcaption>\(escape(caption))</figcaption></figure>"
    }

    /// A chart's figure and its table side by side (stacked when the page is narrow).
    static func pair(_ svg: String, caption: String, table: String) -> String {
        "<div class=\"pair\">\(figure(svg, caption: caption))\(table)</div>"
    }

    static func percent(_ value: Double?) -> String {
        guard let value else { return "" }
        return String(format: "%.1f%%", value * 100)
    }
}
