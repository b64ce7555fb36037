import Foundation

/// Renders an `EvaluationReport` as one self-contained HTML page: inline style, inline SVG
/// charts each with a title and a table of the same numbers, no script and no external
/// reference, so it opens offline, reads without JavaScript and prints.
public struct HTMLReport {
    public let report: EvaluationReport

    public init(report: EvaluationReport) {
        self.report = report
    }

    public func render() -> String {
        let sections = [sizes(), grids(), transitions(), outcomes(), followUps(), jobs(), quality()]
        var html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>crm report</title>
            <style>\(Self.style)</style></head><body><main>
            <h1>Customer segments report</h1>
            <p class="meta">Generated \(HTML.escape(report.generatedAt.iso8601)); outcomes over a \(report.window.days)-day window.</p>
            <nav aria-label="Contents"><ol>
            """
        for (id, title, _) in sections { html += "<li><a href=\"#\(id)\">\(HTML.escape(title))</a></li>" }
        html += "</ol></nav>"
        for (id, title, body) in sections {
            html += "<section id=\"\(id)\" aria-labelledby=\"\(id)-h\"><h2 id=\"\(id)-h\">\(HTML.escape(title))</h2>\(body)</section>"
        }
        return html + "</main></body></html>\n"
    }

    private var ran: [EvaluationReport.Segmentation] { report.segmentations.filter { $0.history != nil } }

    private func note(_ text: String) -> String { "<p class=\"note\">\(HTML.escape(text))</p>" }

    private func sizes() -> (String, String, String) {
        var body = ""
        for (index, item) in ran.enumerated() {
            let total = max(item.sizes.reduce(0) { $0 + $1.customers }, 1)
            let bars = item.sizes.map {
                SVGChart.Bar(label: $0.segment, value: Double($0.customers), text: "\($0.customers) (\(HTML.percent(Double($0.customers) / Double(total))))")
            }
            body += "<h3>\(HTML.escape(item.name))</h3>"
            body += HTML.pair(
                SVGChart.bars(id: "sizes-\(index)", title: "\(item.name): customers per segment", bars),
                caption: "Customers in each segment of \(item.name) now (plugin \(item.plugin)).",
                table: HTML.table(
                caption: "\(item.name): customers per segment", columns: ["segment", "customers", "share"],
                rows: item.sizes.map { [$0.segment, String($0.customers), HTML.percent(Double($0.customers) / Double(total))] }, numeric: [1, 2]))
        }
        return ("sizes", "Segment sizes", body.isEmpty ? note("No segmentation has been run yet: run `crm segment run`.") : body)
    }

    private func grids() -> (String, String, String) {
        var body = ""
        for (index, item) in ran.enumerated() {
            guard let grid = item.grid else { continue }
            let rows = grid.counts.indices.map { "\(grid.rows) \($0 + 1)" }
            let columns = (grid.counts.first ?? []).indices.map { "\(grid.columns) \($0 + 1)" }
            body += "<h3>\(HTML.escape(item.name)): \(HTML.escape(grid.rows)) × \(HTML.escape(grid.columns))</h3>"
            body += HTML.figure(
                SVGChart.heatMap(
                    id: "grid-\(index)", title: "\(item.name): customers by \(grid.rows) and \(grid.columns)", rowTitle: grid.rows,
                    columnTitle: grid.columns, rows: rows, columns: columns, values: grid.counts, labels: grid.segments),
                caption: "Customers by rank \(grid.rows) (rows) and \(grid.columns) (columns) as of \(grid.asOf.iso8601), with each cell's most common segment; darker is more customers.")
            let tableRows = rows.enumerated().map { row, name in
                [name] + columns.indices.map { column in
                    grid.counts[row][column] == 0 ? "0" : "\(grid.counts[row][column]) \(grid.segments[row][column])"
                }
            }
            body += HTML.table(
                caption: "\(item.name): customers (and most common segment) by \(grid.rows) and \(grid.columns)",
                columns: ["\(grid.rows) \\ \(grid.columns)"] + columns, rows: tableRows)
        }
        return ("grid", "Rank grids", body.isEmpty ? note("No segmentation that declares a grid has been run.") : body)
    }

    private func transitions() -> (String, String, String) {
        var body = ""
        for (index, item) in ran.enumerated() {
            guard let history = item.history else { continue }
            let names = history.segments
            let labels = ["(none)"] + names
            let position = { (segment: String?) in segment.flatMap { names.firstIndex(of: $0).map { $0 + 1 } } ?? 0 }
            var matrix = [[Int]](repeating: [Int](repeating: 0, count: labels.count), count: labels.count)
            for move in history.moves { matrix[position(move.from)][position(move.to)] += move.customers }
            let from = history.from.map { "run \($0.id) (\($0.asOf.iso8601))" } ?? "before the first run"
            body += "<h3>\(HTML.escape(item.name))</h3>"
            body += HTML.figure(
                SVGChart.heatMap(
                    id: "moves-\(index)", title: "\(item.name): customers by segment at \(from) and at run \(history.to.id)",
                    rowTitle: "from", columnTitle: "to", rows: labels, columns: labels, values: matrix),
                caption: "Customers by their segment after \(from) (rows) and after run \(history.to.id) (\(history.to.asOf.iso8601), columns); the diagonal stayed.")
            let used = labels.indices.filter { index in matrix[index].contains { $0 > 0 } || matrix.contains { $0[index] > 0 } }
            body += HTML.table(
                caption: "\(item.name): customers by segment before (rows) and after (columns)", columns: ["from \\ to"] + used.map { labels[$0] },
                rows: used.map { row in [labels[row]] + used.map { String(matrix[row][$0]) } }, numeric: Set(1...max(used.count, 1)))
        }
        return ("transitions", "Transitions between the last two runs", body.isEmpty ? note("No segmentation has been run yet.") : body)
    }

    private func outcomes() -> (String, String, String) {
        var body = ""
        for (index, item) in ran.enumerated() {
            body += "<h3>\(HTML.escape(item.name))</h3>"
            guard let outcomes = item.outcomes else {
                body += note(item.outcomesMissing ?? "No outcomes yet.")
                continue
            }
            let filled = outcomes.segments.filter { $0.rate.customers > 0 }
            body += HTML.pair(
                SVGChart.bars(
                    id: "outcomes-\(index)", title: "\(item.name): share who ordered again within \(report.window.days) days of run \(outcomes.run.id)",
                    filled.map { SVGChart.Bar(label: $0.rate.segment, value: $0.rate.repurchaseRate, text: HTML.percent($0.rate.repurchaseRate)) }),
                caption: "Members of each segment after run \(outcomes.run.id) (\(outcomes.run.asOf.iso8601)) who ordered again by \(outcomes.windowEnd.iso8601).",
                table: HTML.table(
                caption: "\(item.name): outcomes per segment after run \(outcomes.run.id)",
                columns: ["segment", "customers", "ordered again", "revenue per member", "churned", "moved up", "moved down"],
                rows: filled.map { segment in
                    let rate = segment.rate
                    return [
                        rate.segment, String(rate.customers), HTML.percent(rate.repurchaseRate), String(format: "%.2f", rate.revenuePerMember),
                        HTML.percent(rate.churnRate), HTML.percent(segment.movedUpRate), HTML.percent(segment.movedDownRate),
                    ]
                }, numeric: [1, 2, 3, 4, 5, 6]))
        }
        return ("outcomes", "Outcomes per segment", body.isEmpty ? note("No segmentation has been run yet.") : body)
    }

    private func followUps() -> (String, String, String) {
        let actions = ran.flatMap { item in (item.outcomes?.actions ?? []).map { (item.name, $0) } }
        guard !actions.isEmpty else {
            return ("follow-ups", "Follow-up conversion against holdout", note("No follow-up with a holdout has a complete window yet."))
        }
        var bars: [SVGChart.Bar] = []
        for (_, action) in actions {
            bars.append(SVGChart.Bar(label: "\(action.action): treated", value: action.treated.conversion, text: HTML.percent(action.treated.conversion)))
            if action.heldOut.customers > 0 {
                bars.append(SVGChart.Bar(label: "\(action.action): held out", value: action.heldOut.conversion, text: HTML.percent(action.heldOut.conversion)))
            }
        }
        var body = HTML.figure(
            SVGChart.bars(id: "follow-ups", title: "Conversion of treated and held-out customers per follow-up action", bars),
            caption: "Share who ordered within \(report.window.days) days of the follow-up, treated against held out.")
        body += HTML.table(
            caption: "Follow-up actions: treated against held out (95% interval of the difference, Newcombe)",
            columns: ["action", "segmentation", "treated", "conversion", "revenue per customer", "held out", "conversion", "revenue per customer", "difference", "95% interval"],
            rows: actions.map { segmentation, action in
                [
                    action.action, segmentation, String(action.treated.customers), HTML.percent(action.treated.conversion),
                    String(format: "%.2f", action.treated.revenuePerCustomer), String(action.heldOut.customers),
                    action.heldOut.customers == 0 ? "no holdout" : HTML.percent(action.heldOut.conversion),
                    action.heldOut.customers == 0 ? "" : String(format: "%.2f", action.heldOut.revenuePerCustomer), HTML.percent(action.difference?.difference),
                    action.difference.map { "\(HTML.percent($0.lower)) to \(HTML.percent($0.upper))" } ?? "",
                ]
            }, numeric: [2, 3, 4, 5, 6, 7, 8])
        return ("follow-ups", "Follow-up conversion against holdout", body)
    }

    private func jobs() -> (String, String, String) {
        guard !report.jobs.isEmpty else { return ("jobs", "Last job runs", note("No job has run yet.")) }
        let body = HTML.table(
            caption: "The last job runs, newest first", columns: ["job", "scheduled for", "outcome", "trigger", "attempts", "error"],
            rows: report.jobs.map { [$0.job, $0.scheduledFor.iso8601, $0.outcome, $0.trigger, String($0.attempts), $0.error ?? ""] }, numeric: [4])
        return ("jobs", "Last job runs", body)
    }

    private func quality() -> (String, String, String) {
        let body = HTML.table(
            caption: "Data quality checks", columns: ["check", "count", "examples", "what it looks for"],
            rows: report.quality.findings.map { [$0.check, String($0.count), $0.examples.joined(separator: " "), $0.description] }, numeric: [1])
        return ("quality", "Data quality", body)
    }

    static let style = """
        body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b2733;margin:0;background:#fff}
        main{max-width:960px;margin:0 auto;padding:24px}
        h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;border-bottom:2px solid #d5dde5;padding-bottom:4px;margin-top:36px}
        h3{font-size:16px;margin:22px 0 6px}.meta,.note{color:#4a5a6a}
        nav ol{columns:2;padding-left:20px}a{color:#1f5f99}
        figure{margin:8px 0}.pair{display:flex;flex-wrap:wrap;gap:8px 28px;align-items:flex-start}.pair figure{flex:0 1 auto}figcaption{color:#4a5a6a;font-size:13px}
        svg.chart{display:block;max-width:100%;height:auto;font-size:12px;fill:#1b2733}
        svg .bar{fill:#2f6fa8}svg .axis{font-weight:600}svg .small{font-size:11px}svg .tiny{font-size:9px}
        table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}
        caption{text-align:left;font-weight:600;padding:4px 0}
        th,td{border:1px solid #d5dde5;padding:3px 8px;text-align:left;vertical-align:top}
        thead th{background:#eef2f6}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
        @media print{nav{display:none}main{max-width:none;padding:0}section{break-inside:auto}figure,table{break-inside:avoid}a{color:inherit}}
        """
}

extension HTMLReport {
    /// Gathers the report and writes the page to `path` (replaced atomically); returns its size in bytes.
    @discardableResult
    public static func write(
        _ database: CRMDatabase, catalog: PluginCatalog, to path: String, window: EvaluationWindow = EvaluationWindow(days: 90),
        now: Timestamp = .now()
    ) throws -> Int {
        let page = HTMLReport(report: try EvaluationReport.gather(database, catalog: catalog, window: window, now: now)).render()
        do {
            try page.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw CRMError.file(path: path, message: "cannot write the report: \(error.localizedDescription)")
        }
        return page.utf8.count
    }
}
