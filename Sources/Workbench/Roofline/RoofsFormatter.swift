import PerfKit

/// Text for `MachineRoofs` and the roofs of measured schedules.
public enum RoofsFormatter {
    /// The bench's footnote: what the "of roof" column is measured against.
    public static func benchLine(_ roofs: MachineRoofs, markdown: Bool) -> String {
        var parts: [String] = []
        if let add = roofs.peak(.double, .add, threads: roofs.threads), let fma = roofs.peak(.double, .fma, threads: roofs.threads) {
            parts.append("cpu: double add \(gflops(add)), FMA \(gflops(fma))")
        }
        for level in roofs.levels {
            if let best = level.bestBytesPerSecond(threads: roofs.threads) { parts.append("\(level.name) \(gbytes(best))") }
        }
        let text = "of roof: the share of the lowest roof over the schedule — compute, or a level's bandwidth ÷ the bytes per "
            + "update it moves there (microbenchmarks on \(roofs.threads) threads: " + parts.joined(separator: ", ") + "; see `diffuse roofline`)"
        return (markdown ? "_" + text + "_" : text) + "\n"
    }

    /// The roofs as `diffuse roofline` prints them.
    public static func text(_ roofs: MachineRoofs) -> String {
        let counts = roofs.threads > 1 ? [1, roofs.threads] : [1]
        var lines = ["Compute roof (independent add and FMA chains in registers, \(roofs.compute.first?.vectorBytes ?? 0)-byte vectors)"]
        lines.append("  " + pad("", 14) + counts.map { pad("\($0) thread\($0 > 1 ? "s" : "")", 16) }.joined())
        for precision in PeakFlops.Precision.allCases {
            for operation in PeakFlops.Operation.allCases {
                let cells = counts.map { pad(roofs.peak(precision, operation, threads: $0).map(gflops) ?? "–", 16) }
                lines.append("  " + pad("\(precision.rawValue) \(operation.rawValue)", 14) + cells.joined())
            }
        }
        lines.append("")
        lines.append("Memory roofs (STREAM-counted bytes; working sets from the caches)")
        lines.append("  " + pad("", 10) + pad("set/thread", 12) + counts.flatMap { threads in
            LevelBandwidth.Kernel.allCases.map { pad("\($0.rawValue)×\(threads)", 14) }
        }.joined())
        for level in roofs.levels {
            let set = level.bandwidth.first { $0.threads == 1 }?.workingSetBytesPerThread ?? 0
            var row = "  " + pad(level.name, 10) + pad(formatBytes(set), 12)
            for threads in counts {
                for kernel in LevelBandwidth.Kernel.allCases {
                    let value = level.bandwidth.first { $0.kernel == kernel && $0.threads == threads }?.bytesPerSecond
                    row += pad(value.map(gbytes) ?? "–", 14)
                }
            }
            lines.append(row)
        }
        if let likwid = roofs.likwid {
            lines.append("")
            lines.append("likwid-bench beside ours (likwid ÷ ours; within 15 % is agreement)")
            for figure in likwid {
                let unit = figure.test.hasPrefix("peakflops") ? gflops : gbytes
                let ratio = figure.ours.map { $0 > 0 ? " (\(significant(figure.value / $0, 3))×)" : "" } ?? ""
                lines.append("  " + pad("\(figure.roof), \(figure.threads) thr", 22) + pad(figure.test, 24)
                             + pad(unit(figure.value), 14) + "ours " + (figure.ours.map(unit) ?? "–") + ratio)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Each result's bytes per update at each level, attained rate, roof,
    /// bound and share; a rate above its roof is called out as a wrong model.
    public static func scheduleTable(_ results: [BenchResult], roofs: MachineRoofs, heading: String) -> String {
        let levels = roofs.levels.map(\.name)
        var lines = [heading + ": bytes per update at each level (a lower bound), the attained rate, the roof that bounds it and the share reached"]
        var header = "  " + pad("schedule", 10) + pad("thr", 4)
        for level in levels { header += pad("B/upd \(level)", 13) }
        header += pad("attained", 14) + pad("roof", 20) + "share"
        lines.append(header)
        for result in results {
            var row = "  " + pad(result.variant, 10)
            guard let roof = result.roof, let rate = result.updatesPerSecond else {
                row += result.status.rawValue
                if let reason = result.reason { row += ": " + reason }
                lines.append(row)
                continue
            }
            row += pad("\(result.threads)", 4)
            for level in levels {
                let bytes: Double = roof.traffic.bytes[level] ?? 0
                row += pad(significant(bytes, 3), 13)
            }
            row += pad(formatRate(rate) + "/s", 14)
            row += pad(roof.bound.rawValue + " " + formatRate(roof.updatesPerSecond) + "/s", 20)
            row += significant(roof.fraction * 100, 3) + " %"
            if roof.aboveRoof { row += "  ABOVE ITS ROOF: the model is wrong (traffic too low, or a roof measured too low)" }
            lines.append(row)
        }
        lines.append("  compute: 7 flops, 6 vector instructions per update; its roof is (add + FMA ÷ 2) instructions/s ÷ 6")
        return lines.joined(separator: "\n") + "\n"
    }

    static func gflops(_ value: Double) -> String { "\(significant(value / 1e9, 3)) GFlop/s" }
    static func gbytes(_ value: Double) -> String { "\(significant(value / 1e9, 3)) GB/s" }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
