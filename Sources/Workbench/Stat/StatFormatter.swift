import PerfKit

extension StatComparison {
    /// The comparison as an aligned table, with a line on what "–" means.
    public var text: String {
        let w = workload
        var lines = ["perf stat of every schedule — \(w.rows)×\(w.cols), \(w.iterations) steps, \(w.boundary), \(w.initial), "
            + "\(w.precision); mean of \(repeats) run\(repeats == 1 ? "" : "s") each", ""]
        var table = Table(columns: [
            .init("variant", .left), .init("time"), .init("±"), .init("cycles"), .init("instructions"), .init("IPC"),
            .init("cache miss"), .init("branch miss"), .init("faults"), .init("cs"), .init("allocs/step"), .init("status", .left),
        ])
        func count(_ value: Double?) -> String { value.map { formatRate($0).trimmingSuffix(" ") } ?? "–" }
        func percent(_ value: Double?) -> String { value.map { significant($0, 3) + " %" } ?? "–" }
        func whole(_ value: Double?) -> String { value.map { PerfFormat.grouped($0.rounded()) } ?? "–" }
        for row in rows {
            let counted = row.status == .verified
            table.rows.append([
                row.variant,
                counted ? row.elapsedSeconds.map(formatSeconds) ?? "–" : "",
                counted ? row.elapsedSpreadPercent.map { significant($0, 2) + " %" } ?? "–" : "",
                counted ? count(row.cycles) : "", counted ? count(row.instructions) : "",
                counted ? row.instructionsPerCycle.map { significant($0, 3) } ?? "–" : "",
                counted ? percent(row.cacheMissPercent) : "", counted ? percent(row.branchMissPercent) : "",
                counted ? whole(row.pageFaults) : "", counted ? whole(row.contextSwitches) : "",
                counted ? row.allocationsPerStep.map { formatNumber($0) } ?? "–" : "",
                row.status == .verified ? "verified" : row.status.rawValue.uppercased(),
            ])
        }
        lines.append(table.text)
        for row in rows where row.status != .verified {
            lines.append("\(row.variant): \(row.reason ?? row.status.rawValue)")
        }
        if !notSupported.isEmpty {
            lines.append("– not supported on this machine: \(notSupported.joined(separator: ", ")) "
                + "(hardware counters are often missing in virtual machines).")
        }
        lines.append("Counted: the stepping only, each run from the initial field, after a warm-up run verified against the reference. "
            + "time: mean wall time per run, ± its spread; allocs/step: a run of 3k steps' allocations less a run of k's (each the fewest of two runs), over 2k (k: the steps, at most 32).")
        return lines.joined(separator: "\n") + "\n"
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
