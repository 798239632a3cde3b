import DiffusionKit
import Hardware
import PerfKit

/// What `diffuse stat` counts: one workload, stepped by one schedule (or
/// each in turn), `repeats` times.
public struct StatPlan: Sendable {
    public var problem: Problem
    public var iterations: Int
    /// Threads for parallel schedules (0: all cores).
    public var threads: Int
    /// The machine the schedules plan for (`--machine`; the host by default).
    public var machine: MachineDescription = .host
    /// Counted runs per schedule (perf's `-r`).
    public var repeats: Int
    /// Events for a single schedule, in report order.
    public var events: [PerfEvent]

    public init(problem: Problem, iterations: Int, threads: Int = 0, repeats: Int = 3,
                events: [PerfEvent] = PerfEvent.seedEvents) {
        self.problem = problem
        self.iterations = iterations
        self.threads = threads
        self.repeats = repeats
        self.events = events
    }

    /// The events behind the comparison table of `StatRunner.compare`.
    public static let comparisonEvents: [PerfEvent] = [
        .taskClock, .cycles, .instructions, .cacheReferences, .cacheMisses, .branches, .branchMisses,
        .pageFaults, .contextSwitches,
    ]
}

/// perf stat for the stepping of a schedule, and nothing else.
///
/// Protocol, for each schedule:
/// 1. The reference solver computes the workload's final field.
/// 2. A warm-up run from the initial field; its field must be within
///    `Verification`'s gate, or the schedule fails (`GateFailure`) and no
///    numbers are shown.
/// 3. `repeats` counted runs (PerfKit's `PerfStat`, process-wide counters);
///    before each, the grid is reset to the initial field outside the counts.
///    The counts cover the schedule's `run` call alone: its own set-up
///    (scratch grids) is part of it, process start-up and the reference are not.
/// 4. The last counted run's field is checked again.
public struct StatRunner: Sendable {
    public var plan: StatPlan
    /// Measures allocations for the comparison's steady-state column.
    public var meter: any RunMeter

    public init(plan: StatPlan, meter: any RunMeter = NoRunMeter()) {
        self.plan = plan
        self.meter = meter
    }

    /// Counts `plan.events` over the runs of `schedule`.
    ///
    /// - Throws: `GateFailure`; `DiffusionError` (unsupported problem, too
    ///   little memory); PerfKit's `CounterError` or `ConfigurationError`.
    public func stat(_ schedule: any Schedule) throws -> StatResult {
        try stat(schedule, events: plan.events)
    }

    func stat(_ schedule: any Schedule, events: [PerfEvent]) throws -> StatResult {
        try count(schedule, events: events, allocations: false).result
    }

    /// The perf stat of `schedule` and, when `allocations` is true, its
    /// steady-state heap allocations per step.
    private func count(
        _ schedule: any Schedule, events: [PerfEvent], allocations: Bool
    ) throws -> (result: StatResult, allocationsPerStep: Double?) {
        let problem = plan.problem
        switch problem.precision {
        case .double:
            return try count(schedule, events: events, allocations: allocations,
                             Workload<Double>(problem: problem, steps: plan.iterations, for: schedule))
        case .float:
            return try count(schedule, events: events, allocations: allocations,
                             Workload<Float>(problem: problem, steps: plan.iterations, for: schedule))
        }
    }

    private func count<Scalar: DiffusionScalar>(
        _ schedule: any Schedule, events: [PerfEvent], allocations: Bool, _ workload: Workload<Scalar>
    ) throws -> (result: StatResult, allocationsPerStep: Double?) {
        let problem = workload.problem
        let name = schedule.descriptor.name
        let context = ExecutionContext(threads: plan.threads, machine: plan.machine)
        let gate = try workload.gate
        var grid = workload.freshGrid()
        try schedule.run(&grid, steps: plan.iterations, problem: problem, context: context)
        let warmUpError = try gate.check(grid, variant: name)
        let label = "\(name), \(problem.rows)×\(problem.cols), \(plan.iterations) steps"
        let report = try PerfStat(events: events, repeats: plan.repeats).measure(label, setUp: {
            grid.assign(from: workload.initial)
        }) {
            try schedule.run(&grid, steps: plan.iterations, problem: problem, context: context)
        }
        let lastError = try gate.check(grid, variant: name)
        let result = StatResult(
            variant: name, workload: BenchWorkload(problem: problem, iterations: plan.iterations),
            threads: schedule.threads(for: problem, context: context),
            maxAbsError: max(warmUpError, lastError), tolerance: gate.tolerance, report: report)
        let perStep = allocations ? try meter.steadyStateAllocationsPerStep(schedule, workload, context) : nil
        return (result, perStep)
    }

    /// One row per schedule: time, cycles, instructions, IPC, cache and
    /// branch miss rates, page faults, context switches (the means over
    /// `repeats` runs) and steady-state allocations per step. A schedule
    /// that fails the gate, cannot run the problem or stops with an error
    /// gets a row saying so, without numbers.
    public func compare(_ schedules: [any Schedule], progress: (String, Int, Int) -> Void = { _, _, _ in }) throws -> StatComparison {
        var rows: [StatRow] = []
        var unsupported: [String] = []
        for (index, schedule) in schedules.enumerated() {
            let name = schedule.descriptor.name
            progress(name, index + 1, schedules.count)
            var row = StatRow(variant: name)
            do {
                let (result, allocationsPerStep) = try count(schedule, events: StatPlan.comparisonEvents, allocations: true)
                row.fill(from: result.report)
                row.status = .verified
                row.maxAbsError = result.maxAbsError
                row.allocationsPerStep = allocationsPerStep
                for summary in result.report.events where summary.status == .notSupported && !unsupported.contains(summary.event.name) {
                    unsupported.append(summary.event.name)
                }
            } catch let failure as GateFailure {
                row.status = .failed
                row.maxAbsError = failure.error
                row.reason = failure.description
            } catch let error as DiffusionError {
                switch error {
                case .unsupported(_, let reason):
                    row.status = .unsupported
                    row.reason = reason
                case .gridTooLarge:
                    // Too little memory: the same for every schedule, so stop here.
                    throw error
                default:
                    row.status = .error
                    row.reason = error.description
                }
            } catch {
                row.status = .error
                row.reason = String(describing: error)
            }
            rows.append(row)
        }
        return StatComparison(
            workload: BenchWorkload(problem: plan.problem, iterations: plan.iterations), repeats: plan.repeats,
            notSupported: unsupported, rows: rows)
    }
}

/// `diffuse stat` for one schedule: the perf stat report, and what was
/// checked before it was taken.
public struct StatResult: Sendable, Encodable {
    public var variant: String
    public var workload: BenchWorkload
    public var threads: Int
    /// max |schedule − reference| over the warm-up and the last counted run.
    public var maxAbsError: Double
    public var tolerance: Double
    public var report: PerfStatReport

    /// PerfKit's perf stat JSON (`label`, `repeats`, `elapsed_s`, `events`:
    /// {name: {`value`, `unit`, `supported`, `stddev_pct`, …}}, …) with
    /// `variant`, `workload`, `threads`, `max_abs_error` and `tolerance` added.
    public func encode(to encoder: any Encoder) throws {
        try report.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(variant, forKey: .variant)
        try container.encode(workload, forKey: .workload)
        try container.encode(threads, forKey: .threads)
        try container.encode(maxAbsError, forKey: .maxAbsError)
        try container.encode(tolerance, forKey: .tolerance)
    }

    enum CodingKeys: String, CodingKey {
        case variant, workload, threads, maxAbsError = "max_abs_error", tolerance
    }

    /// perf's block, then the gate's verdict.
    public var text: String {
        report.render() + " Verified against the reference: max |error| \(formatError(maxAbsError)) "
            + "(gate \(formatError(tolerance))). Counted: the stepping only, each run from the initial field.\n"
    }
}

/// `diffuse stat --all`: every schedule on one workload, side by side.
public struct StatComparison: Sendable, Codable {
    public var workload: BenchWorkload
    public var repeats: Int
    /// Events this machine could not count (shown as "–").
    public var notSupported: [String]
    public var rows: [StatRow]

    enum CodingKeys: String, CodingKey {
        case workload, repeats, notSupported = "not_supported", rows
    }
}

/// One schedule in `StatComparison`; nil where not counted.
public struct StatRow: Sendable, Codable {
    public var variant: String
    /// How the count ended: verified, failed (the gate), unsupported or
    /// error; encoded as those words.
    public var status: BenchResult.Status = .error
    public var reason: String?
    /// Mean wall seconds per run and its spread (perf's ± %).
    public var elapsedSeconds: Double?
    public var elapsedSpreadPercent: Double?
    public var cycles: Double?
    public var instructions: Double?
    public var instructionsPerCycle: Double?
    public var cacheMissPercent: Double?
    public var branchMissPercent: Double?
    public var pageFaults: Double?
    public var contextSwitches: Double?
    public var allocationsPerStep: Double?
    public var maxAbsError: Double?

    init(variant: String) { self.variant = variant }

    enum CodingKeys: String, CodingKey {
        case variant, status, reason, elapsedSeconds = "elapsed_s", elapsedSpreadPercent = "elapsed_stddev_pct"
        case cycles, instructions, instructionsPerCycle = "ipc", cacheMissPercent = "cache_miss_pct"
        case branchMissPercent = "branch_miss_pct", pageFaults = "page_faults", contextSwitches = "context_switches"
        case allocationsPerStep = "allocations_per_step", maxAbsError = "max_abs_error"
    }

    mutating func fill(from report: PerfStatReport) {
        func mean(_ event: PerfEvent) -> Double? { report[event]?.mean }
        elapsedSeconds = report.meanElapsedSeconds
        elapsedSpreadPercent = (try? Statistics(report.elapsedSeconds))?.relativeSpreadPercent
        cycles = mean(.cycles)
        instructions = mean(.instructions)
        if let instructions, let cycles, cycles > 0 { instructionsPerCycle = instructions / cycles }
        if let misses = mean(.cacheMisses), let references = mean(.cacheReferences), references > 0 {
            cacheMissPercent = 100 * misses / references
        }
        if let misses = mean(.branchMisses), let branches = mean(.branches), branches > 0 {
            branchMissPercent = 100 * misses / branches
        }
        pageFaults = mean(.pageFaults)
        contextSwitches = mean(.contextSwitches)
    }
}
