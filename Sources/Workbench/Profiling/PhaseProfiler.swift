import DiffusionKit
import Hardware
import PerfKit

/// `%lprun` for a schedule: one run of a workload with every phase the
/// schedule reports (`ExecutionContext.phase`) timed as a PerfKit region,
/// inside one region for the whole run.
///
/// The table accounts for all of the run's time: its top-level rows are the
/// schedule's outermost phases plus "(outside phases)", the part of the run
/// no phase covers (scratch allocation, swaps, loop control, the phases' own
/// timing). Their percentages are of the run's total and are rounded to the
/// printed 0.1 % by largest remainder, so they add up to exactly 100.0.
/// Nested phases follow their parent, indented, as percentages of the same
/// total.
public struct PhaseProfiler: Sendable {
    public var problem: Problem
    public var iterations: Int
    public var threads: Int
    /// The machine the schedule plans for (`--machine`; the host by default).
    public var machine: MachineDescription = .host

    public init(problem: Problem, iterations: Int, threads: Int = 0) {
        self.problem = problem
        self.iterations = iterations
        self.threads = threads
    }

    /// The row for the time no phase covers.
    public static let outsideRegion = "(outside phases)"
    /// The region that wraps the whole run (not shown: its time is the total).
    static let runRegion = "run"

    /// Profiles one run of `schedule` from the initial field (the initial
    /// copy is not timed).
    ///
    /// - Throws: `DiffusionError` (an unsupported problem, too little memory).
    public func profile(_ schedule: any Schedule) throws -> PhaseProfile {
        let raw: RegionReport
        switch problem.precision {
        case .double: raw = try record(schedule, Workload<Double>(problem: problem, steps: iterations, for: schedule,
                                                                  gridsInMemory: Self.gridsInMemory))
        case .float: raw = try record(schedule, Workload<Float>(problem: problem, steps: iterations, for: schedule,
                                                                gridsInMemory: Self.gridsInMemory))
        }
        return PhaseProfile(
            variant: schedule.descriptor.name, seedCounterpart: schedule.descriptor.seedCounterpart,
            workload: BenchWorkload(problem: problem, iterations: iterations),
            threads: schedule.threads(for: problem, context: ExecutionContext(threads: threads, machine: machine)),
            report: Self.phaseReport(fromRun: raw))
    }

    /// A profile verifies nothing, so it holds no reference grid: the
    /// initial field, the schedule's grid and two scratch grids.
    static let gridsInMemory = 4

    private func record<Scalar: DiffusionScalar>(_ schedule: any Schedule, _ workload: Workload<Scalar>) throws -> RegionReport {
        var grid = workload.freshGrid()
        let recorder = RegionPhaseRecorder()
        let context = ExecutionContext(threads: threads, phases: recorder, machine: machine)
        try recorder.profiler.measure(Self.runRegion) {
            try schedule.run(&grid, steps: iterations, problem: problem, context: context)
        }
        return recorder.profiler.report()
    }

    /// Turns a profile whose only top-level region wraps the whole run into
    /// the phase table: the run's nested regions move up one level, its own
    /// (self) time becomes "(outside phases)", the total is the run's time,
    /// and the top-level percentages are rounded to 0.1 so that they add up
    /// to 100.0 (nested ones are rounded plainly).
    static func phaseReport(fromRun raw: RegionReport) -> RegionReport {
        guard let run = raw.rows.first, run.depth == 0 else { return raw }
        let total = run.totalSeconds
        func percent(_ seconds: Double) -> Double { total > 0 ? 100 * seconds / total : 0 }
        var rows: [RegionReport.Row] = raw.rows.dropFirst().filter { $0.path.first == run.name }.map { row in
            var moved = row
            moved.path = Array(row.path.dropFirst())
            moved.percentOfTotal = percent(row.totalSeconds)
            return moved
        }
        rows.append(RegionReport.Row(
            name: outsideRegion, path: [outsideRegion], hits: run.hits, totalSeconds: run.selfSeconds,
            selfSeconds: run.selfSeconds, percentOfTotal: percent(run.selfSeconds)))
        let topLevel = rows.indices.filter { rows[$0].depth == 0 }
        let rounded = roundedToTotal(topLevel.map { rows[$0].percentOfTotal }, total: total > 0 ? 100 : 0)
        for (index, value) in zip(topLevel, rounded) { rows[index].percentOfTotal = value }
        for index in rows.indices where rows[index].depth > 0 {
            rows[index].percentOfTotal = (rows[index].percentOfTotal * 10).rounded() / 10
        }
        return RegionReport(totalSeconds: total, rows: rows)
    }

    /// `values` rounded to tenths so that they add up to `total` exactly
    /// (largest remainder: every value is rounded down, then the tenths still
    /// missing go to the values that lost the most).
    static func roundedToTotal(_ values: [Double], total: Double) -> [Double] {
        let target = Int((total * 10).rounded())
        var tenths = values.map { Int(($0 * 10).rounded(.down)) }
        var missing = target - tenths.reduce(0, +)
        let order = values.indices.sorted { values[$0] * 10 - Double(tenths[$0]) > values[$1] * 10 - Double(tenths[$1]) }
        var position = 0
        while missing > 0, !order.isEmpty {
            tenths[order[position % order.count]] += 1
            missing -= 1
            position += 1
        }
        return tenths.map { Double($0) / 10 }
    }
}

/// Where one run of a schedule spent its time, phase by phase.
public struct PhaseProfile: Sendable, Codable {
    public var variant: String
    public var seedCounterpart: String
    public var workload: BenchWorkload
    public var threads: Int
    /// The phase table; its total is the run's time.
    public var report: RegionReport

    enum CodingKeys: String, CodingKey {
        case variant, seedCounterpart = "seed_counterpart", workload, threads, report
    }

    /// line_profiler's layout, with a "Schedule:" line where line_profiler
    /// names the function.
    public func render(timerUnit: Double = 1e-6) -> String {
        var lines = report.render(timerUnit: timerUnit).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let w = workload
        let counterpart = seedCounterpart.hasPrefix("(") ? seedCounterpart : "(\(seedCounterpart))"
        let schedule = "Schedule: \(variant) \(counterpart); \(w.rows)×\(w.cols), \(w.iterations) steps, "
            + "\(w.boundary), \(w.initial), \(w.precision)" + (threads > 1 ? ", \(threads) threads" : "")
        lines.insert(schedule, at: min(3, lines.count))
        return lines.joined(separator: "\n")
    }
}
