import Foundation
import DiffusionKit

/// The command lines that make a report's data again, one per chart.
public enum ReproductionCommands {
    /// The model options of `workload`, defaults left out: "--size 640 --iterations 500 --boundary reflecting".
    public static func modelOptions(_ workload: BenchWorkload, size: Bool = true) -> [String] {
        var options: [String] = []
        if size { options += ["--size", workload.rows == workload.cols ? "\(workload.rows)" : "\(workload.rows)x\(workload.cols)"] }
        options += ["--iterations", "\(workload.iterations)"]
        if workload.boundary != "periodic" { options += ["--boundary", workload.boundary] }
        if workload.initial != "block" { options += ["--initial", workload.initial] }
        if workload.precision != "double" { options += ["--precision", workload.precision] }
        if workload.diffusivity != 1 { options += ["--diffusivity", formatNumber(workload.diffusivity)] }
        if workload.dt != 0.1 { options += ["--dt", formatNumber(workload.dt)] }
        if workload.dx != 1 { options += ["--dx", formatNumber(workload.dx)] }
        return options
    }

    /// The commands behind every chart of a report built from `bench`
    /// (saved as `benchFile`) and `sweeps` (saved as `sweepFiles`, in order).
    public static func all(bench: BenchReport, sweeps: [SweepReport], fieldSchedule: String?, frames: Int,
                           benchFile: String, sweepFiles: [String]) -> [(purpose: String, command: String)] {
        guard let first = bench.workloads.first else { return [] }
        var commands: [(String, String)] = []
        let swift = first.results.filter { $0.kind == .swift }.map(\.variant)
        var benchLine = ["diffuse", "bench"]
        if bench.workloads.count > 1 {
            benchLine += ["--sizes", bench.workloads.map { "\($0.workload.rows)x\($0.workload.cols)" }.joined(separator: ",")]
            benchLine += modelOptions(first.workload, size: false)
        } else {
            benchLine += modelOptions(first.workload)
        }
        if !swift.isEmpty { benchLine += ["--variants", swift.joined(separator: ",")] }
        if first.results.contains(where: { $0.kind == .peer }) { benchLine.append("--peers") }
        if bench.roofs == nil { benchLine.append("--no-roofline") }
        benchLine += ["--format", "json", ">", benchFile]
        commands.append(("1. the Wrap Up\(bench.roofs == nil ? "" : " and 3. the roofline (measured first by the bench)"): the bench, as JSON",
                         benchLine.map(quoted).joined(separator: " ")))
        for (sweep, file) in zip(sweeps, sweepFiles) {
            var line = ["diffuse", "sweep", "--variant", sweep.variant]
            if let firstPoint = sweep.points.first, let last = sweep.points.last {
                line += ["--from", "\(firstPoint.cols)", "--to", "\(last.cols)"]
                if sweep.points.count > 2, last.cols > firstPoint.cols {
                    let octaves = log2(Double(last.cols) / Double(firstPoint.cols))
                    line += ["--steps-per-octave", "\(max(1, min(16, Int((Double(sweep.points.count - 1) / octaves).rounded()))))"]
                }
            }
            if sweep.boundary != "periodic" { line += ["--boundary", sweep.boundary] }
            if sweep.precision != "double" { line += ["--precision", sweep.precision] }
            if let budget = sweep.budgetSeconds { line += ["--budget", formatNumber(budget)] }
            line += ["--format", "json", ">", file]
            commands.append(("2. the size sweep of \(sweep.variant)", line.map(quoted).joined(separator: " ")))
        }
        if let fieldSchedule {
            let every = max(1, first.workload.iterations / max(1, frames - 1))
            let line = ["diffuse", "run"] + modelOptions(first.workload) + ["--variant", fieldSchedule, "--every", "\(every)", "--animate", "field.apng"]
            commands.append(("4. the field, as an animated PNG", line.map(quoted).joined(separator: " ")))
        }
        var report = ["diffuse", "report", "--from", benchFile]
        for file in sweepFiles { report += ["--sweep", file] }
        report += ["--output", "report.html"]
        commands.append(("this page, from the saved data", report.map(quoted).joined(separator: " ")))
        return commands
    }

    /// `word` as a POSIX shell reads it: bare when safe, else in single quotes.
    static func quoted(_ word: String) -> String {
        if word == ">" { return word }
        let safe = word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=,:+@%".contains($0) }
        return safe && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

extension BenchWorkload {
    /// The problem this workload describes (its strings read back as the command line reads them).
    public func problem() throws(DiffusionError) -> Problem {
        var problem = Problem(
            diffusivity: diffusivity, dt: dt, dx: dx, boundary: try Boundary(parsing: boundary),
            initial: try InitialCondition(parsing: initial), precision: try Precision(parsing: precision))
        (problem.rows, problem.cols) = (rows, cols)
        return problem
    }
}
