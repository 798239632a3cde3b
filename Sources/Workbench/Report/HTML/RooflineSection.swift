import DiffusionKit

/// Section 3: the roofline, log–log, from the bench's measured roofs
/// (`MachineRoofs`: compute, L1, L2, L3, memory) and each ranked entry's
/// `StencilRoof`. A point sits at the entry's operational intensity at the
/// level that bounds it (updates per byte that level moves, from
/// `StencilTraffic`), so it lies at or below that level's bandwidth roof.
/// Fast-forwarding schedules (spectral) do not step and have no roof: they
/// are left off.
enum RooflineSection {
    static func html(_ content: ReportContent) -> String {
        guard let roofs = content.bench.roofs, let workload = content.bench.workloads.first else {
            return ReportPage.section(
                id: "roofline", number: 3, title: "The roofline",
                lead: "The bench ran without measuring this machine's roofs (--no-roofline), so there is no roofline to draw.",
                body: "<p class=\"note\">Run <code>diffuse bench --format json</code> without --no-roofline to include it.</p>")
        }
        let placed = workload.results.filter { $0.roof != nil && $0.updatesPerSecond != nil }
        let bounds = Set(placed.compactMap { $0.roof?.bound.rawValue }).sorted()
        let body = "<figure class=\"chart-figure\">" + chart(roofs, workload).svg() + "</figure>"
            + "<p class=\"note\">The roofs are microbenchmarks, never this project's stencil: peak vector add and FMA throughput "
            + "(the compute roof, in updates/s at the stencil's instructions per update) and the best of load, copy and triad "
            + "bandwidth for each level on \(roofs.threads) threads. Each point sits at its operational intensity at the level "
            + "that bounds it (updates per byte that level must move, a lower bound on traffic), so it cannot rise above that "
            + "level's roof unless the model is wrong. Bounds here: \(XML.escape(bounds.isEmpty ? "none" : bounds.joined(separator: ", "))). "
            + "Schedules that fast-forward (spectral) do not step, so no roof of stepping applies to them.</p>"
        return ReportPage.section(
            id: "roofline", number: 3, title: "The roofline",
            lead: "How far each schedule sits below what this machine's memory, caches and cores allow.", body: body)
    }

    /// The bandwidth roof of each measured level and the compute roof of
    /// the first placed entry, with every placed entry as a point.
    static func chart(_ roofs: MachineRoofs, _ workload: BenchWorkloadResults) -> RooflineChart {
        let colours: [StencilRoof.Bound: String] = [
            .l1: Palette.skyBlue, .l2: Palette.reddishPurple, .l3: Palette.bluishGreen, .memory: Palette.vermillion,
        ]
        var lines: [RooflineChart.Roof] = []
        for level in roofs.levels {
            guard let bound = StencilRoof.Bound(rawValue: level.name),
                  let bandwidth = level.bestBytesPerSecond(threads: roofs.threads) ?? level.bestBytesPerSecond(threads: 1) else { continue }
            lines.append(.init(name: "\(level.name) \(significant(bandwidth / 1e9, 3)) GB/s",
                               shape: .bandwidth(bytesPerSecond: bandwidth), colour: colours[bound] ?? Palette.vermillion))
        }
        let placed = workload.results.filter { $0.isRanked && $0.roof != nil && $0.updatesPerSecond != nil }
        if let compute = placed.compactMap({ $0.roof?.ceilings[StencilRoof.Bound.compute.rawValue] }).max() {
            lines.append(.init(name: "compute \(formatRate(compute))/s", shape: .flat(rate: compute), colour: Palette.orange))
        }
        let points = placed.compactMap { entry -> RooflineChart.Point? in
            let roof = entry.roof!
            guard let level = intensityLevel(roof), let bytes = roof.traffic.bytes[level.rawValue] else { return nil }
            return RooflineChart.Point(
                name: entry.variant + " · \(significant(roof.fraction * 100, 3)) % \(roof.bound.rawValue)",
                intensity: 1 / bytes, rate: entry.updatesPerSecond!,
                colour: entry.kind == .peer ? WrapUpSection.peerColour : WrapUpSection.swiftColour,
                tooltip: "\(entry.variant): \(formatRate(entry.updatesPerSecond!)) updates/s, \(significant(bytes, 3)) B per update from \(level.rawValue)")
        }
        return RooflineChart(
            roofs: lines, points: points,
            intensityTitle: "operational intensity (cell updates per byte moved, log scale)",
            rateTitle: "cell updates per second (log scale)",
            intensityFormat: { $0 >= 1 ? tickLabel(significant($0, 2)) : "1/" + tickLabel(significant(1 / $0, 3)) }, rateFormat: { tickLabel(formatRate($0)) },
            guides: [],
            label: "Roofline: updates per second against operational intensity")
    }

    /// The level whose traffic places an entry on the intensity axis: the
    /// level that bounds it; for a compute-bound entry, the outermost level
    /// it moves bytes from (memory where it streams, else the cache that
    /// holds its grids). Nil when it moves no bytes at all.
    static func intensityLevel(_ roof: StencilRoof) -> StencilRoof.Bound? {
        if roof.bound != .compute { return (roof.traffic.bytes[roof.bound.rawValue] ?? 0) > 0 ? roof.bound : nil }
        return [StencilRoof.Bound.memory, .l3, .l2, .l1].first { (roof.traffic.bytes[$0.rawValue] ?? 0) > 0 }
    }
}
