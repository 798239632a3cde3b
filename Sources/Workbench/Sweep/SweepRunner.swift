import DiffusionKit
import Hardware
import Foundation
import PerfKit

/// What `diffuse sweep` measures: one schedule over square grids of
/// geometrically growing side.
public struct SweepPlan: Sendable {
    /// The model (its size is replaced by each point's).
    public var problem: Problem
    public var from: Int
    public var to: Int
    public var stepsPerOctave: Int
    /// Steps of the short timed run at every size (the long run takes twice
    /// as many); nil chooses them per size so that the timed runs of a
    /// point take about `budget` seconds together.
    public var iterations: Int?
    /// Seconds of timed runs per point when `iterations` is nil.
    public var budget: Double
    /// Timed runs of each length per point (the best of each counts).
    public var runs: Int
    public var threads: Int
    /// The machine the schedule plans for (`--machine`; the host by default).
    public var machine: MachineDescription = .host

    /// Steps of the verification run at each point (fewer when `iterations` is smaller).
    public static let verificationSteps = 3

    public init(problem: Problem, from: Int = 64, to: Int = 4096, stepsPerOctave: Int = 2, iterations: Int? = nil,
                budget: Double = 0.2, runs: Int = 2, threads: Int = 0) {
        self.problem = problem
        self.from = from
        self.to = to
        self.stepsPerOctave = stepsPerOctave
        self.iterations = iterations
        self.budget = budget
        self.runs = runs
        self.threads = threads
    }

    /// The model at one point: `problem` on a side × side grid.
    func problem(side: Int) -> Problem {
        var problem = problem
        (problem.rows, problem.cols) = (side, side)
        return problem
    }

    /// The grid sides: from · 2^(k / stepsPerOctave) rounded, for k = 0, 1, …
    /// while at most `to`, then `to` itself if the last side fell short of it.
    /// Duplicates (small sides with many steps per octave) are dropped.
    public var sides: [Int] {
        guard from >= 1, to >= from, stepsPerOctave >= 1 else { return [] }
        var result: [Int] = []
        var k = 0
        while true {
            let side = Int((Double(from) * pow(2, Double(k) / Double(stepsPerOctave))).rounded())
            if side > to { break }
            if result.last != side { result.append(side) }
            k += 1
        }
        if result.last != to { result.append(to) }
        return result
    }
}

/// One grid size of a sweep.
public struct SweepPoint: Sendable, Codable {
    public var rows: Int
    public var cols: Int
    /// Two grids: rows × cols × bytes per cell × 2.
    public var workingSetBytes: Int
    /// "L1d", "L2", "L3" or "DRAM": the smallest cache one instance of which holds the working set.
    public var cacheLevel: String
    /// Steps of the short timed run; the long run takes twice as many.
    public var iterations: Int
    public var runs: Int
    /// Best times of the short and the long run.
    public var shortSeconds: Double
    public var longSeconds: Double
    /// Steady-state cell updates per second: the extra steps of the long run
    /// over the extra time they took, so each call's set-up cancels out.
    public var updatesPerSecond: Double
    public var nanosecondsPerUpdate: Double
    /// Each call's fixed cost (scratch grids, first touches of fresh
    /// memory): the short run's time less its steps at the steady rate.
    public var setUpSeconds: Double
    /// Steps of the verification run, and its max |schedule − reference|.
    public var verificationSteps: Int
    public var maxAbsError: Double
    public var tolerance: Double

    enum CodingKeys: String, CodingKey {
        case rows, cols, workingSetBytes = "working_set_bytes", cacheLevel = "cache_level", iterations, runs
        case shortSeconds = "short_best_s", longSeconds = "long_best_s", updatesPerSecond = "updates_per_s"
        case nanosecondsPerUpdate = "ns_per_update", setUpSeconds = "set_up_s"
        case verificationSteps = "verification_steps", maxAbsError = "max_abs_error", tolerance
    }
}

/// A whole sweep.
public struct SweepReport: Sendable, Codable {
    public var variant: String
    /// The most threads the schedule used at any point (what it answers to
    /// `threads(for:context:)`: a schedule may use fewer on small grids).
    public var threads: Int
    public var boundary: String
    public var initial: String
    public var precision: String
    public var budgetSeconds: Double?
    /// The caches the points were classified by, as `diffuse info` shows them.
    public var caches: [MachineReport.Cache]
    public var points: [SweepPoint]

    enum CodingKeys: String, CodingKey {
        case variant, threads, boundary, initial, precision, budgetSeconds = "budget_s", caches, points
    }
}

/// Runs a `SweepPlan`.
///
/// At each size: a verification run of `SweepPlan.verificationSteps` steps
/// (or `iterations`, if fewer) from the initial field, checked against the
/// reference solver on the same steps — a short run, because the reference
/// costs some 9 ns per update and a full check of a 4096² point would take
/// far longer than the point itself. Runs of growing length then warm the
/// caches and estimate the time per step, which chooses N (at least
/// `minimumIterations`, unless `iterations` is given). Then, `runs` times, a run of N steps and a run of
/// 2N steps, each one call of the schedule from the initial field.
///
/// The throughput is the steady state: N · cells over (best 2N-step time −
/// best N-step time). A call of a schedule pays a fixed set-up — a scratch
/// grid, whose fresh pages fault in on first touch (some 50 ms for a 4096²
/// Double grid) — which would otherwise swamp the few steps a large grid
/// can afford in a bounded time; it is reported on its own.
public struct SweepRunner: Sendable {
    public var plan: SweepPlan
    /// The caches each point is classified by.
    public var caches: [CacheInfo]

    /// - Parameter caches: the caches to classify the points by; by default
    ///   those of the machine the plan is made for (`plan.machine`, the
    ///   host unless `--machine` names another).
    public init(plan: SweepPlan, caches: [CacheInfo]? = nil) {
        self.plan = plan
        self.caches = caches ?? plan.machine.caches.map(CacheInfo.init)
    }

    /// - Throws: `GateFailure` at the first point that fails the gate;
    ///   `DiffusionError` (unsupported problem, too little memory).
    public func run(_ schedule: any Schedule, progress: (SweepPoint) -> Void = { _ in }) throws -> SweepReport {
        let sides = plan.sides
        let context = ExecutionContext(threads: plan.threads, machine: plan.machine)
        // Refuse at once a sweep whose largest point cannot fit.
        if let largest = sides.last {
            // (`measuredGrids` is the same for either precision.)
            let problem = plan.problem(side: largest)
            try problem.requireMeasurable(by: nil, gridsInMemory: max(Workload<Double>.measuredGrids, schedule.peakGrids(for: problem) + 3))
        }
        var points: [SweepPoint] = []
        var threads = 1
        for side in sides {
            let problem = plan.problem(side: side)
            // The verification run's steps: the reference costs far more per step than the schedules.
            let checkSteps = max(1, min(SweepPlan.verificationSteps, plan.iterations ?? SweepPlan.verificationSteps))
            let point: SweepPoint
            switch problem.precision {
            case .double: point = try measure(schedule, Workload<Double>(problem: problem, steps: checkSteps, for: schedule), context)
            case .float: point = try measure(schedule, Workload<Float>(problem: problem, steps: checkSteps, for: schedule), context)
            }
            threads = max(threads, schedule.threads(for: problem, context: context))
            progress(point)
            points.append(point)
        }
        return SweepReport(
            variant: schedule.descriptor.name, threads: threads,
            boundary: plan.problem.boundary.description, initial: plan.problem.initial.description,
            precision: plan.problem.precision.rawValue, budgetSeconds: plan.iterations == nil ? plan.budget : nil,
            caches: caches.map(MachineReport.Cache.init), points: points)
    }

    private func measure<Scalar: DiffusionScalar>(
        _ schedule: any Schedule, _ workload: Workload<Scalar>, _ context: ExecutionContext
    ) throws -> SweepPoint {
        let problem = workload.problem
        var grid = workload.freshGrid()

        // Verification, warm-up and calibration in one short run.
        let checkSteps = workload.steps
        let checkStart = PerfClock.monotonicNanoseconds()
        try schedule.run(&grid, steps: checkSteps, problem: problem, context: context)
        let secondsPerStep = Double(PerfClock.monotonicNanoseconds() &- checkStart) / 1e9 / Double(checkSteps)
        let gate = try workload.gate
        let error = try gate.check(grid, variant: schedule.descriptor.name)

        let runs = max(1, plan.runs)
        // The timed runs take 3N steps per round: N, then 2N.
        let short = try plan.iterations ?? calibratedIterations(
            schedule, problem, &grid, context, target: plan.budget / Double(3 * runs),
            steps: checkSteps, seconds: secondsPerStep * Double(checkSteps))
        func timed(_ steps: Int) throws -> Double {
            grid.assign(from: workload.initial)
            let start = PerfClock.monotonicNanoseconds()
            try schedule.run(&grid, steps: steps, problem: problem, context: context)
            return Double(PerfClock.monotonicNanoseconds() &- start) / 1e9
        }
        var bestShort = Double.infinity, bestLong = Double.infinity
        for _ in 0 ..< runs {
            bestShort = min(bestShort, try timed(short))
            bestLong = min(bestLong, try timed(2 * short))
        }
        // Noise can make the difference vanish on tiny runs: then the long
        // run's plain rate is the best estimate.
        let extra = bestLong - bestShort
        let secondsPerStepSteady = extra > 0 ? extra / Double(short) : bestLong / Double(2 * short)
        let cells = Double(problem.rows) * Double(problem.cols)
        let workingSet = CacheLevel.workingSetBytes(rows: problem.rows, cols: problem.cols, bytesPerCell: problem.precision.byteWidth)
        return SweepPoint(
            rows: problem.rows, cols: problem.cols, workingSetBytes: workingSet,
            cacheLevel: CacheLevel.classify(workingSetBytes: workingSet, caches: caches),
            iterations: short, runs: runs, shortSeconds: bestShort, longSeconds: bestLong,
            updatesPerSecond: secondsPerStepSteady > 0 ? cells / secondsPerStepSteady : 0,
            nanosecondsPerUpdate: 1e9 * secondsPerStepSteady / cells,
            setUpSeconds: max(0, bestShort - Double(short) * secondsPerStepSteady),
            verificationSteps: checkSteps, maxAbsError: error, tolerance: gate.tolerance)
    }

    /// The steps one timed run needs to take about `target` seconds.
    ///
    /// The verification run (`steps` steps in `seconds`) overstates the time
    /// per step — it pays for first touches of memory and cold caches — so
    /// runs of growing length (at most 16 times longer each) continue from
    /// the current field until one takes half the target; the rate
    /// of that run decides. At least 1 step, at most 1,000,000.
    private func calibratedIterations<Scalar: DiffusionScalar>(
        _ schedule: any Schedule, _ problem: Problem, _ grid: inout Grid<Scalar>, _ context: ExecutionContext,
        target: Double, steps: Int, seconds: Double
    ) throws -> Int {
        var (steps, seconds) = (steps, seconds)
        var first = true
        while first || (seconds < target / 2 && steps < Self.maximumIterations) {
            // The verification run paid for first touches: always run again.
            if !first {
                let wanted = seconds > 0 ? Double(steps) * target / 2 / seconds : Double(steps) * 16
                steps = Int(min(Double(Self.maximumIterations), Double(steps) * 16, max(Double(steps) * 2, wanted.rounded(.up))))
            }
            first = false
            let start = PerfClock.monotonicNanoseconds()
            try schedule.run(&grid, steps: steps, problem: problem, context: context)
            seconds = Double(PerfClock.monotonicNanoseconds() &- start) / 1e9
        }
        return Self.iterations(budget: target, secondsPerStep: seconds / Double(steps))
    }

    static let maximumIterations = 1_000_000
    /// The fewest steps of a short timed run: with fewer, the difference of
    /// the two runs' times is too small beside their noise.
    public static let minimumIterations = 4

    /// Steps that fill `budget` seconds at `secondsPerStep`: at least
    /// `minimumIterations`, at most 1,000,000.
    static func iterations(budget: Double, secondsPerStep: Double) -> Int {
        guard secondsPerStep > 0, secondsPerStep.isFinite else { return maximumIterations }
        return Int(min(Double(maximumIterations), max(Double(minimumIterations), (budget / secondsPerStep).rounded())))
    }
}

extension SweepReport {
    /// An aligned table with a throughput bar, or CSV.
    public func table(bars: Bool) -> Table {
        var columns: [Table.Column] = [
            .init("size"), .init("working set"), .init("fits in", .left), .init("steps"), .init("updates/s"),
            .init("ns/update"), .init("set-up/call"), .init("max |error|"),
        ]
        if bars { columns.append(.init("", .left)) }
        var table = Table(columns: columns)
        let fastest = points.map(\.updatesPerSecond).max() ?? 0
        for point in points {
            var row = [
                "\(point.rows)²", formatBytes(point.workingSetBytes), point.cacheLevel, "\(point.iterations)/\(2 * point.iterations)",
                formatRate(point.updatesPerSecond), significant(point.nanosecondsPerUpdate, 3), formatSeconds(point.setUpSeconds),
                formatError(point.maxAbsError),
            ]
            if bars {
                let width = fastest > 0 ? Int((30 * point.updatesPerSecond / fastest).rounded()) : 0
                row.append(String(repeating: "█", count: width))
            }
            table.rows.append(row)
        }
        return table
    }

    /// One line per point in plain numbers (bytes, steps, updates per
    /// second, seconds), for a spreadsheet.
    public var csv: String {
        var table = Table(columns: [
            "rows", "cols", "working_set_bytes", "cache_level", "steps_short", "steps_long", "updates_per_s",
            "ns_per_update", "set_up_s", "max_abs_error", "tolerance",
        ].map { Table.Column($0) })
        for p in points {
            table.rows.append([
                String(p.rows), String(p.cols), String(p.workingSetBytes), p.cacheLevel, String(p.iterations),
                String(2 * p.iterations), String(p.updatesPerSecond), String(p.nanosecondsPerUpdate),
                String(p.setUpSeconds), String(p.maxAbsError), String(p.tolerance),
            ])
        }
        return table.csv
    }

    /// The text report: a heading, the table, the caches and what was verified.
    public var text: String {
        var lines = ["Throughput of \(variant) over grid sizes (\(boundary), \(initial), \(precision)"
            + (threads > 1 ? ", \(threads) threads" : "") + ")", ""]
        lines.append(table(bars: true).text)
        let cacheText = caches.filter { $0.type != "Instruction" }.map { "\($0.name) \(MachineReport.cacheSize($0.sizeBytes))" }
        lines.append("fits in: the smallest cache holding the working set, two grids (rows·cols·\(precision == "float" ? 4 : 8) B·2)"
            + (cacheText.isEmpty ? "; this machine does not describe its caches" : "; caches here: " + cacheText.joined(separator: ", ")) + ".")
        let steps = points.first?.verificationSteps ?? SweepPlan.verificationSteps
        let runs = points.first?.runs ?? 0
        lines.append("updates/s: steady state, from the best of \(runs) runs of N and of 2N steps (steps: N/2N"
            + (budgetSeconds.map { ", chosen so each point's timed runs take about \(significant($0, 2)) s" } ?? "")
            + "); set-up/call: what one call costs besides its steps (scratch grids, page faults).")
        lines.append("Each point was verified against the reference on a \(steps)-step run.")
        return lines.joined(separator: "\n") + "\n"
    }
}
