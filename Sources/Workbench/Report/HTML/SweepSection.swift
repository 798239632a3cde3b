import Foundation
import PerfKit

/// Section 2: throughput against grid side, a line per schedule, over bands
/// that show where the two grids of a step outgrow each cache.
enum SweepSection {
    static func html(_ content: ReportContent) -> String {
        guard !content.sweeps.isEmpty else {
            return ReportPage.section(id: "sweep", number: 2, title: "The size sweep",
                                      lead: "No sweep was measured for this report.", body: "<p class=\"note\">\(XML.escape(content.sweepSource))</p>")
        }
        let caches = content.sweeps.first { !$0.caches.isEmpty }?.caches
            ?? content.bench.machine.caches.map(MachineReport.Cache.init)
        let chart = chart(content.sweeps, caches: caches)
        let body = "<figure class=\"chart-figure\">" + chart.svg() + "</figure>"
            + "<p class=\"note\">\(XML.escape(content.sweepSource)) Steady-state rate: the extra steps of a 2N-step run over its extra time, so each call's set-up cancels out. "
            + "Each band starts where the two grids of a step (rows × cols × \(bytesPerCell(content.sweeps[0])) B × 2) no longer fit in one instance of the cache before it.</p>"
        return ReportPage.section(
            id: "sweep", number: 2, title: "The size sweep",
            lead: "Cell updates per second against grid side: the cliffs are where the grids leave a cache.", body: body)
    }

    static func bytesPerCell(_ sweep: SweepReport) -> Int { sweep.precision == "float" ? 4 : 8 }

    static func chart(_ sweeps: [SweepReport], caches: [MachineReport.Cache]) -> LineChart {
        let series = sweeps.enumerated().map { index, sweep in
            LineChart.Series(name: sweep.variant + (sweep.threads > 1 ? " (\(sweep.threads) threads)" : ""),
                             points: sweep.points.map { (x: Double($0.cols), y: $0.updatesPerSecond) },
                             colour: Palette.colour(index))
        }
        return LineChart(
            x: .init(kind: .log, title: "grid side n (n × n cells, log scale)", format: { tickLabel(significant($0, 3)) }),
            y: .init(kind: .linear, title: "cell updates per second", includingZero: true, format: { $0 == 0 ? "0" : tickLabel(formatRate($0)) }),
            series: series, bands: bands(caches: caches, bytesPerCell: bytesPerCell(sweeps[0])),
            label: "Size sweep: updates per second against grid side", className: "sweep-chart", height: 400)
    }

    /// One band per level: from the side where two grids outgrow the cache
    /// below (0 for the first) to the side where they outgrow this one; the
    /// last band, DRAM, runs on.
    static func bands(caches: [MachineReport.Cache], bytesPerCell: Int) -> [LineChart.Band] {
        let data = caches.filter { $0.type != "Instruction" }.sorted { ($0.level, $0.sizeBytes) < ($1.level, $1.sizeBytes) }
        let fills = ["#ffffff", "#f3f5f8", "#e8ecf1", "#dce2ea"]
        var bands: [LineChart.Band] = []
        var lower = 0.0
        for (index, cache) in data.enumerated() {
            let side = (Double(cache.sizeBytes) / Double(2 * bytesPerCell)).squareRoot()
            bands.append(.init(lower: lower, upper: side, label: "fits \(cache.name) (\(tickLabel(formatBytes(cache.sizeBytes))))",
                               fill: fills[min(index, fills.count - 1)]))
            lower = side
        }
        bands.append(.init(lower: lower, upper: .infinity, label: data.isEmpty ? "caches unknown" : "DRAM", fill: fills[min(data.count, fills.count - 1)]))
        return bands
    }
}
