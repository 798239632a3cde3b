import Foundation
import PerfKit

/// The ways `diffuse bench` can print a report.
public enum TableFormat: String, Sendable, CaseIterable {
    case table, markdown, csv, json
}

/// Renders a `BenchReport`: the seed's "Wrap Up" (every entry of a workload,
/// fastest first) or, for several sizes, the seed's benchmark table (a row per
/// entry, "runtime | speedup" per size).
public enum BenchFormatter {
    public static func render(_ report: BenchReport, as format: TableFormat) throws -> String {
        switch format {
        case .json: return try jsonText(report)
        case .csv: return csv(report)
        case .table, .markdown:
            let markdown = format == .markdown
            var parts: [String] = []
            for workload in report.workloads {
                parts.append(wrapUp(workload, markdown: markdown))
            }
            if report.workloads.count > 1 { parts.append(sizesTable(report, markdown: markdown)) }
            if let roofs = report.roofs { parts.append(RoofsFormatter.benchLine(roofs, markdown: markdown)) }
            parts.append(machineLine(report, markdown: markdown))
            return parts.joined(separator: "\n")
        }
    }

    /// One line naming the workload: "640×640, 500 steps, periodic, block, double; D = 1, dt = 0.1, dx = 1".
    public static func describe(_ workload: BenchWorkload) -> String {
        "\(workload.rows)×\(workload.cols), \(workload.iterations) steps, \(workload.boundary), \(workload.initial), \(workload.precision); "
            + "D = \(formatNumber(workload.diffusivity)), dt = \(formatNumber(workload.dt)), dx = \(formatNumber(workload.dx))"
    }

    /// The ranked table for one workload, then a line per entry that was not ranked.
    static func wrapUp(_ results: BenchWorkloadResults, markdown: Bool) -> String {
        let entries = results.results
        let showCosts = entries.contains { $0.allocationsPerStep != nil || $0.pageFaultsPerRun != nil }
        var columns: [Table.Column] = [
            .init("rank"), .init("variant", .left), .init("kind", .left), .init("seed counterpart", .left),
            .init("best"), .init("median"), .init("runs"), .init("per step"), .init("updates/s"),
            .init("speedup"), .init("max |error|"), .init("verified", .left),
        ]
        if showCosts { columns += [.init("allocs/step"), .init("faults/run")] }
        let showCeiling = entries.contains { $0.ceilingFraction != nil }
        if showCeiling { columns.append(.init("of roof")) }
        var table = Table(columns: columns)
        var rank = 0
        for entry in entries {
            let rankText: String
            if entry.isRanked {
                rank += 1
                rankText = String(rank)
            } else {
                rankText = "–"
            }
            var row = [
                rankText, entry.variant, entry.kind.rawValue, entry.seedCounterpart,
                entry.bestSeconds.map(formatSeconds) ?? statusWord(entry),
                entry.medianSeconds.map(formatSeconds) ?? "",
                entry.runs > 0 ? String(entry.runs) : "",
                entry.perIterationSeconds.map(formatSeconds) ?? "",
                entry.updatesPerSecond.map(formatRate) ?? "",
                entry.speedup.map { significant($0, 3) + "×" } ?? "",
                entry.maxAbsError.map(formatError) ?? "",
                entry.verified ? "yes" : statusWord(entry),
            ]
            if showCosts {
                row += [entry.allocationsPerStep.map { significant($0, 3) } ?? "", entry.pageFaultsPerRun.map { significant($0, 3) } ?? ""]
            }
            if showCeiling {
                row.append(entry.ceilingFraction.map { "\(significant($0 * 100, 3)) % \(ceilingLabel(entry.ceilingKind))\(entry.roof?.aboveRoof == true ? " (model wrong!)" : "")" } ?? "")
            }
            table.rows.append(row)
        }
        let title = "Wrap Up — " + describe(results.workload)
        var text = markdown ? "### \(title)\n\n" + table.markdown : title + "\n\n" + table.text
        let notes = entries.filter { !$0.isRanked || $0.status == .failed }.compactMap { entry in
            entry.reason.map { "\(statusWord(entry)) \(entry.variant): \($0)" }
        }
        if !notes.isEmpty {
            text += "\n" + notes.map { markdown ? "- \($0)" : $0 }.joined(separator: "\n") + "\n"
        }
        let baseline = entries.contains { $0.variant == BenchPlan.baselineName && $0.isRanked }
        if !baseline {
            text += (markdown ? "\n_" : "\n") + "speedup is over `nested` (the seed's pure Python); it did not run, so none is shown" + (markdown ? "_\n" : "\n")
        }
        return text
    }

    /// The seed's benchmark table: a row per entry, "runtime | speedup" per size.
    static func sizesTable(_ report: BenchReport, markdown: Bool) -> String {
        var names: [String] = []
        for workload in report.workloads {
            for entry in workload.results where !names.contains(entry.variant) { names.append(entry.variant) }
        }
        var columns: [Table.Column] = [.init("variant", .left)]
        for workload in report.workloads {
            let size = workload.workload.rows == workload.workload.cols ? "\(workload.workload.rows)²" : "\(workload.workload.rows)×\(workload.workload.cols)"
            columns += [.init("\(size) runtime"), .init("\(size) speedup")]
        }
        var table = Table(columns: columns)
        for name in names {
            var row = [name]
            for workload in report.workloads {
                let entry = workload.results.first { $0.variant == name }
                if let entry, entry.isRanked, let best = entry.bestSeconds {
                    row += [formatSeconds(best), entry.speedup.map { significant($0, 3) + "×" } ?? ""]
                } else {
                    row += [entry.map(statusWord) ?? "", ""]
                }
            }
            table.rows.append(row)
        }
        let first = report.workloads[0].workload
        let title = "Runtime | speedup over nested, \(first.iterations) steps, \(first.boundary), \(first.precision)"
        return markdown ? "### \(title)\n\n" + table.markdown : title + "\n\n" + table.text
    }

    static func machineLine(_ report: BenchReport, markdown: Bool) -> String {
        let machine = report.machine
        let caches = machine.caches.filter { $0.type != "Instruction" }.map { "\($0.name) \(formatBytes($0.sizeBytes))" }
        let text = "machine: \(machine.cpuModel ?? "unknown CPU"), \(machine.logicalCPUsAvailable) cores, "
            + caches.joined(separator: ", ") + "; \(machine.buildConfiguration) build\(machine.nativeTargetCPU ? ", -target-cpu native" : ""); \(report.date)"
        return (markdown ? "_" + text + "_" : text) + "\n"
    }

    /// The short name of the roof that bounds an entry in the table: "cpu",
    /// "L1", "L2", "L3" or "mem".
    static func ceilingLabel(_ kind: StencilRoof.Bound?) -> String {
        switch kind {
        case .compute: "cpu"
        case .l1: "L1"
        case .l2: "L2"
        case .l3: "L3"
        case .memory, nil: "mem"
        }
    }

    static func statusWord(_ entry: BenchResult) -> String {
        switch entry.status {
        case .verified: "yes"
        case .failed: "FAILED"
        case .unsupported: "unsupported"
        case .skipped: "skipped"
        case .error: "error"
        }
    }

    /// One line per entry and workload, raw numbers, for spreadsheets and scripts.
    static func csv(_ report: BenchReport) -> String {
        let titles = ["rows", "cols", "iterations", "boundary", "initial", "precision", "variant", "kind", "seed_counterpart",
                      "status", "best_s", "median_s", "runs", "per_iteration_s", "updates_per_s", "speedup",
                      "max_abs_error", "verified", "threads", "allocations_per_step", "page_faults_per_run", "reason"]
        var table = Table(columns: titles.map { Table.Column($0) })
        func number(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }
        for workload in report.workloads {
            let w = workload.workload
            for entry in workload.results {
                table.rows.append([
                    String(w.rows), String(w.cols), String(w.iterations), w.boundary, w.initial, w.precision,
                    entry.variant, entry.kind.rawValue, entry.seedCounterpart, entry.status.rawValue,
                    number(entry.bestSeconds), number(entry.medianSeconds), String(entry.runs), number(entry.perIterationSeconds),
                    number(entry.updatesPerSecond), number(entry.speedup), number(entry.maxAbsError), String(entry.verified),
                    String(entry.threads), number(entry.allocationsPerStep), number(entry.pageFaultsPerRun), entry.reason ?? "",
                ])
            }
        }
        return table.csv
    }
}
