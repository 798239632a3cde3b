import DiffusionKit

/// Section 3: the roofline, log–log, with every ranked entry at the
/// operational intensity of one step per sweep.
enum RooflineSection {
    static func html(_ content: ReportContent) -> String {
        guard let roofline = content.bench.roofline, let workload = content.bench.workloads.first else {
            return ReportPage.section(
                id: "roofline", number: 3, title: "The roofline",
                lead: "The bench ran without measuring this machine's ceilings (--no-roofline), so there is no roofline to draw.",
                body: "<p class=\"note\">Run <code>diffuse bench --format json</code> without --no-roofline to include it.</p>")
        }
        let bytes = workload.workload.precision == "float" ? 4 : 8
        let ceiling = roofline.ceiling(rows: workload.workload.rows, cols: workload.workload.cols,
                                       precision: Precision(rawValue: workload.workload.precision) ?? .double)
        let fits: String
        switch ceiling.kind {
        case .inCache: fits = "in L2"
        case .l3: fits = "in L3"
        case .memory: fits = "in no cache"
        }
        let kindName = ceiling.kind.rawValue
        let body = "<figure class=\"chart-figure\">" + chart(roofline, workload, bytesPerCell: bytes).svg() + "</figure>"
            + "<p class=\"note\">Each point sits at the compulsory traffic of one step per sweep: every update reads and writes one "
            + "\(bytes)-byte cell, 1 update per \(2 * bytes) B. The two grids of this workload fit \(XML.escape(fits)), "
            + "so the \(XML.escape(kindName)) roof (\(formatRate(ceiling.updatesPerSecond)) updates/s) applies. Temporal blocking takes several steps per pass, "
            + "so its true intensity is higher: it sits above the roof at this intensity, which is the point of it. "
            + "Bandwidths are STREAM (copy, triad) on \(roofline.threads) threads; the in-cache roof is the best rate of any schedule on a "
            + "\(roofline.inCache.rows)² grid whose two copies fit the L2 caches (\(XML.escape(roofline.inCache.schedule))).</p>"
        return ReportPage.section(
            id: "roofline", number: 3, title: "The roofline",
            lead: "How far each schedule sits below what this machine's memory, caches and cores allow.", body: body)
    }

    static func chart(_ roofline: Roofline, _ workload: BenchWorkloadResults, bytesPerCell: Int) -> RooflineChart {
        let intensity = 1 / Double(2 * bytesPerCell)
        var roofs = [RooflineChart.Roof(name: "DRAM \(significant(roofline.bandwidthBytesPerSecond / 1e9, 3)) GB/s",
                                        shape: .bandwidth(bytesPerSecond: roofline.bandwidthBytesPerSecond), colour: Palette.vermillion)]
        if let l3 = roofline.cacheBandwidthBytesPerSecond {
            roofs.append(.init(name: "L3 \(significant(l3 / 1e9, 3)) GB/s", shape: .bandwidth(bytesPerSecond: l3), colour: Palette.bluishGreen))
        }
        roofs.append(.init(name: "in-cache \(formatRate(roofline.inCache.updatesPerSecond))/s",
                           shape: .flat(rate: roofline.inCache.updatesPerSecond), colour: Palette.reddishPurple))
        let points = workload.results.filter { $0.isRanked && $0.updatesPerSecond != nil }.map { entry in
            RooflineChart.Point(
                name: entry.variant + (entry.ceilingFraction.map { " · \(significant($0 * 100, 3)) %" } ?? ""),
                intensity: intensity, rate: entry.updatesPerSecond!,
                colour: entry.kind == .peer ? WrapUpSection.peerColour : WrapUpSection.swiftColour,
                tooltip: "\(entry.variant): \(formatRate(entry.updatesPerSecond!)) updates/s")
        }
        return RooflineChart(
            roofs: roofs, points: points,
            intensityTitle: "operational intensity (cell updates per byte moved, log scale)",
            rateTitle: "cell updates per second (log scale)",
            intensityFormat: { $0 >= 1 ? tickLabel(significant($0, 2)) : "1/" + tickLabel(significant(1 / $0, 3)) }, rateFormat: { tickLabel(formatRate($0)) },
            guides: [(intensity, "one step per sweep: 1 update per \(2 * bytesPerCell) B")],
            label: "Roofline: updates per second against operational intensity")
    }
}
