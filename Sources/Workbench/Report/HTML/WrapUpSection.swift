/// Section 1: the Wrap Up as a bar chart per workload, ranked as the bench
/// ranked it; entries that were not ranked are listed under it, not drawn.
enum WrapUpSection {
    static let swiftColour = Palette.blue
    static let peerColour = Palette.orange

    static func html(_ content: ReportContent) -> String {
        var body = ""
        for workload in content.bench.workloads {
            if content.bench.workloads.count > 1 {
                body += "<h3>\(XML.escape(BenchFormatter.describe(workload.workload)))</h3>"
            }
            body += "<figure class=\"chart-figure\">" + chart(workload).svg() + "</figure>"
            body += unranked(workload)
        }
        return ReportPage.section(
            id: "wrap-up", number: 1, title: "The Wrap Up",
            lead: "Best time of the full run per schedule and peer, fastest first, on a log axis; the tick marks the median run. "
                + "Each entry's field was checked against the reference solver before it was timed. Speedups are over nested, the seed's pure Python.",
            body: body)
    }

    /// The bar chart: one bar per ranked entry, in ranked order.
    static func chart(_ workload: BenchWorkloadResults) -> BarChart {
        let ranked = workload.results.filter(\.isRanked)
        let bars = ranked.map { entry in
            var annotation = formatSeconds(entry.bestSeconds!)
            if let speedup = entry.speedup { annotation += " · " + significant(speedup, 3) + "×" }
            var tooltip = "\(entry.variant) (\(entry.kind == .peer ? "peer" : "Diffuse schedule")): best \(formatSeconds(entry.bestSeconds!))"
            if let median = entry.medianSeconds { tooltip += ", median \(formatSeconds(median))" }
            tooltip += " of \(entry.runs) runs"
            if let rate = entry.updatesPerSecond { tooltip += ", \(formatRate(rate)) updates/s" }
            if let error = entry.maxAbsError { tooltip += ", max |error| \(formatError(error))" }
            if let fraction = entry.ceilingFraction { tooltip += ", \(significant(fraction * 100, 3)) % of the \(BenchFormatter.ceilingLabel(entry.ceilingKind)) ceiling" }
            let seed = entry.seedCounterpart.isEmpty || entry.seedCounterpart.hasPrefix("(") ? "" : "seed: \(entry.seedCounterpart) — "
            return BarChart.Bar(
                label: entry.variant, value: entry.bestSeconds!, colour: entry.kind == .peer ? peerColour : swiftColour,
                marker: entry.medianSeconds, annotation: annotation, detail: seed + entry.lesson, tooltip: tooltip)
        }
        var legend = [LegendItem("Diffuse schedule", colour: swiftColour)]
        if ranked.contains(where: { $0.kind == .peer }) { legend.append(LegendItem("peer (Python, C)", colour: peerColour)) }
        legend.append(LegendItem("median run", colour: Palette.ink, mark: .tick))
        return BarChart(
            bars: bars, scaleKind: .log, valueTitle: "best time of one run of \(workload.workload.iterations) steps (log scale)",
            format: { tickLabel(formatSeconds($0)) }, legend: legend,
            label: "Wrap Up: best time per schedule, \(BenchFormatter.describe(workload.workload))", className: "wrap-up-chart")
    }

    /// FAILED, unsupported, skipped and erroneous entries, with their reasons.
    static func unranked(_ workload: BenchWorkloadResults) -> String {
        let entries = workload.results.filter { !$0.isRanked }
        guard !entries.isEmpty else { return "" }
        let items = entries.map { entry in
            "<li><span class=\"status status-\(entry.status.rawValue)\">\(XML.escape(BenchFormatter.statusWord(entry)))</span> "
                + "<strong>\(XML.escape(entry.variant))</strong>\(entry.kind == .peer ? " (peer)" : "")"
                + (entry.reason.map { ": " + XML.escape($0) } ?? "") + "</li>"
        }
        return "<div class=\"unranked\"><h4>Not ranked, not drawn</h4><ul>" + items.joined() + "</ul></div>"
    }
}
