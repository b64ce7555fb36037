import Foundation

/// Inline SVG charts for the HTML report: plain markup with a `<title>` (and `role="img"`),
/// fixed sizes, no script and no external reference, so they render offline and print.
enum SVGChart {
    struct Bar {
        let label: String
        let value: Double
        /// What is written after the bar, e.g. "1,234" or "12.5%".
        let text: String
    }

    /// Bar charts leave room for their table beside them; heat maps take the page's width.
    static let barWidth = 540.0
    static let width = 720.0
    static let labelWidth = 170.0

    /// Horizontal bars, one per item, scaled to the largest value.
    static func bars(id: String, title: String, _ bars: [Bar]) -> String {
        let rowHeight = 22.0
        let height = Double(bars.count) * rowHeight + 12
        let largest = max(bars.map(\.value).max() ?? 0, 1e-9)
        let room = barWidth - labelWidth - 90
        var svg = open(id: id, title: title, width: barWidth, height: height)
        for (index, bar) in bars.enumerated() {
            let y = 6 + Double(index) * rowHeight
            let length = max(bar.value, 0) / largest * room
            svg += "<text x=\"\(labelWidth - 8)\" y=\"\(y + 15)\" text-anchor=\"end\">\(HTML.escape(short(bar.label, labelWidth - 12)))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(format(length))\" height=\"\(rowHeight - 6)\" class=\"bar\"/>"
            svg += "<text x=\"\(format(labelWidth + length + 6))\" y=\"\(y + 15)\">\(HTML.escape(bar.text))</text>"
        }
        return svg + "</svg>"
    }

    /// A grid of cells shaded by their value, each showing the value and an optional label.
    static func heatMap(
        id: String, title: String, rowTitle: String, columnTitle: String, rows: [String], columns: [String], values: [[Int]],
        labels: [[String]] = []
    ) -> String {
        let cellWidth = max(56.0, min(110.0, (width - 140) / Double(max(columns.count, 1))))
        let cellHeight = labels.isEmpty ? 30.0 : 40.0
        let left = 130.0
        let top = 46.0
        let totalWidth = left + cellWidth * Double(columns.count) + 10
        let height = top + cellHeight * Double(rows.count) + 10
        let largest = Double(max(values.flatMap { $0 }.max() ?? 0, 1))
        var svg = open(id: id, title: title, width: totalWidth, height: height)
        svg += "<text x=\"\(format(left))\" y=\"14\" class=\"axis\">\(HTML.escape(columnTitle)) →</text>"
        svg += "<text x=\"4\" y=\"14\" class=\"axis\">\(HTML.escape(rowTitle)) ↓</text>"
        for (column, name) in columns.enumerated() {
            let x = left + cellWidth * (Double(column) + 0.5)
            svg += "<text x=\"\(format(x))\" y=\"38\" text-anchor=\"middle\" class=\"small\">\(HTML.escape(short(name, cellWidth)))</text>"
        }
        for (row, name) in rows.enumerated() {
            let y = top + cellHeight * Double(row)
            svg += "<text x=\"\(left - 6)\" y=\"\(format(y + cellHeight / 2 + 4))\" text-anchor=\"end\" class=\"small\">\(HTML.escape(short(name, left)))</text>"
            for column in columns.indices {
                let value = row < values.count && column < values[row].count ? values[row][column] : 0
                let share = Double(value) / largest
                let x = left + cellWidth * Double(column)
                let fill = value == 0 ? "#f4f6f8" : "rgb(\(Int(230 - 190 * share)),\(Int(240 - 150 * share)),\(Int(250 - 90 * share)))"
                let ink = share > 0.55 ? "#ffffff" : "#1b2733"
                svg += "<rect x=\"\(format(x))\" y=\"\(format(y))\" width=\"\(format(cellWidth - 2))\" height=\"\(format(cellHeight - 2))\" fill=\"\(fill)\">"
                svg += "<title>\(HTML.escape("\(name) → \(columns[column]): \(value)"))</title></rect>"
                let label = row < labels.count && column < labels[row].count ? labels[row][column] : ""
                let middle = x + (cellWidth - 2) / 2
                if value > 0 {
                    svg += "<text x=\"\(format(middle))\" y=\"\(format(y + (label.isEmpty ? 19 : 16)))\" text-anchor=\"middle\" fill=\"\(ink)\">\(value)</text>"
                }
                if !label.isEmpty {
                    svg += "<text x=\"\(format(middle))\" y=\"\(format(y + 31))\" text-anchor=\"middle\" fill=\"\(ink)\" class=\"tiny\">\(HTML.escape(short(label, cellWidth)))</text>"
                }
            }
        }
        return svg + "</svg>"
    }

    private static func open(id: String, title: String, width: Double, height: Double) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"\(id)\" role=\"img\" aria-labelledby=\"\(id)-title\" "
            + "width=\"\(format(width))\" height=\"\(format(height))\" viewBox=\"0 0 \(format(width)) \(format(height))\">"
            + "<title id=\"\(id)-title\">\(HTML.escape(title))</title>"
    }

    /// A label cut to what fits in `room` points (about 6.5 per character), with an ellipsis.
    private static func short(_ text: String, _ room: Double) -> String {
        let fits = max(Int(room / 6.5), 4)
        return text.count <= fits ? text : String(text.prefix(fits - 1)) + "…"
    }

    static func format(_ value: Double) -> String { String(format: "%.1f", value) }
}
