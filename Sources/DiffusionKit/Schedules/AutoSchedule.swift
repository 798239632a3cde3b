/// `auto`: the fastest verified schedule for the workload, chosen by a rule
/// that `diffuse bench` measurements support. It is what `diffuse run` uses
/// unless told otherwise.
///
/// The rule (measured on a 2-core Zen 4 with 1 MiB L2 per core and 32 MiB L3;
/// see the README's performance section):
///
/// - Fewer than `FastSupport.minimumCellsPerThread` cells (32 768, about
///   181²): `simd`. A second thread's barrier per step costs more than its
///   half of the work, so `parallel` and `temporal` would run one thread
///   anyway; `simd` does the same without a thread team.
/// - Otherwise: `temporal`. Where both grids fit in the cores' L2 caches it
///   sweeps one step at a time with `parallel`'s kernel (depth 1, the same
///   speed); where they fit in L3 it is level with `parallel` (640² Double:
///   0.022 s against 0.023 s; Float: within 4 %); beyond L3 it is 3–3.5×
///   faster than `parallel`, which is bound by memory bandwidth.
///
/// Boundary and precision do not change the choice: every fast schedule
/// handles the boundary on its edge vectors only, and Float halves the bytes
/// for all of them alike. All candidates are bit-identical to the reference,
/// so the choice never changes a result, only its speed.
public struct AutoSchedule: Schedule {
    public init() {}

    public var descriptor: ScheduleDescriptor {
        ScheduleDescriptor(
            name: "auto",
            seedCounterpart: "(beyond the seed)",
            lesson: "picks the fastest schedule for the workload: simd for small grids, temporal from 181² up",
            isParallel: true
        )
    }

    /// The schedule `auto` runs for `problem`.
    public func choice(for problem: Problem) -> any Schedule {
        problem.cellCount < FastSupport.minimumCellsPerThread ? SIMDSchedule() : TemporalSchedule()
    }

    public func limitation(for problem: Problem) -> String? {
        choice(for: problem).limitation(for: problem)
    }

    public func threads(for problem: Problem, context: ExecutionContext) -> Int {
        choice(for: problem).threads(for: problem, context: context)
    }

    public func peakGrids(for problem: Problem) -> Int {
        choice(for: problem).peakGrids(for: problem)
    }

    public func advance(_ grid: inout Grid<Double>, steps: Int, problem: Problem, context: ExecutionContext) throws(DiffusionError) {
        try choice(for: problem).advance(&grid, steps: steps, problem: problem, context: context)
    }

    public func advance(_ grid: inout Grid<Float>, steps: Int, problem: Problem, context: ExecutionContext) throws(DiffusionError) {
        try choice(for: problem).advance(&grid, steps: steps, problem: problem, context: context)
    }
}
