/// `auto`: the fastest verified schedule for the workload, chosen by a rule
/// that `diffuse bench` measurements support. It is what `diffuse run` uses
/// unless told otherwise.
///
/// The rule, for the machine in the context (`ExecutionContext.machine`):
///
/// - Fewer than `FastSupport.minimumCellsPerThread` cells (32 768: up to
///   181², since 181² = 32 761 and 182² = 33 124): `simd`. A second
///   thread's barrier per step costs more than its half of the work, so
///   `parallel` and `temporal` would run one thread anyway; `simd` does the
///   same without a thread team.
/// - Otherwise: `temporal`, whose plan (threads, depth, tiles) comes from the
///   machine's cores and caches. Where both grids fit in the cores' L2
///   caches it sweeps one step at a time with `parallel`'s kernel (depth 1,
///   the same speed); where they fit in the last level it is level with
///   `parallel`; beyond it, it is several times faster than `parallel`,
///   which is bound by memory bandwidth. (Measured on a 2-core Zen 4 with
///   1 MiB L2 per core and 32 MiB L3, see RESULTS.md: 640² Double 0.022 s
///   against 0.023 s, Float within 4 %; beyond L3 3–3.5× faster.)
///
/// Boundary and precision do not change the choice: every fast schedule
/// handles the boundary on its edge vectors only, and Float halves the bytes
/// for all of them alike. All stepping candidates are bit-identical to the
/// reference, so that choice never changes a result, only its speed.
///
/// Plans made beforehand (`plans`: from wisdom or a measuring planner, see
/// `Planner`) take precedence for the problems they are made for; the rule
/// above is the estimate for every other problem.
///
/// With the number of steps known (`choice(for:steps:)`, which `advance`
/// uses) and no plan made for the problem: `spectral` when FFTW is installed
/// and `SpectralCostModel` says its two transforms cost less than the steps;
/// it agrees with the reference to the transforms' rounding (1e-12 of the
/// magnitude, the bench's gate), not bit for bit. `reason(for:steps:)` says
/// which and why.
public struct AutoSchedule: Schedule {
    /// Plans for particular problems, made before the run.
    public let plans: [Problem: Plan]

    public init(plans: [Problem: Plan] = [:]) {
        self.plans = plans
    }

    /// The plan `auto` follows for `steps` steps of `problem`: the one made
    /// for it; else `spectral` where its cost model prefers it; else the
    /// estimate. The same choice as `choice(for:steps:context:)`.
    public func plan(for problem: Problem, steps: Int, context: ExecutionContext) -> Plan {
        if let plan = plans[problem] { return plan }
        let model = SpectralCostModel(problem: problem, steps: steps)
        if model.prefersSpectral {
            let stepper = choice(for: problem, context: context).descriptor.name
            return Plan(schedule: SpectralSchedule().descriptor.name, source: .estimate,
                        reason: model.reason(steps: steps, stepper: stepper))
        }
        return Planner.estimate(for: problem, steps: steps, context: context)
    }

    public var descriptor: ScheduleDescriptor {
        ScheduleDescriptor(
            name: "auto",
            seedCounterpart: "(beyond the seed)",
            lesson: "picks the fastest schedule for the workload: simd below 32768 cells (181²), temporal from 182² up",
            isParallel: true
        )
    }

    /// The schedule `auto` runs for `problem` under `context` (see the rule above).
    public func choice(for problem: Problem, context: ExecutionContext) -> any Schedule {
        if let plan = plans[problem], let schedule = try? plan.makeSchedule() { return schedule }
        return problem.cellCount < FastSupport.minimumCellsPerThread ? SIMDSchedule() : TemporalSchedule()
    }

    /// The schedule `auto` runs for `steps` steps of `problem`: `spectral`
    /// when its cost model prefers it, else `choice(for:)`.
    /// A plan made for the problem wins over the cost model: it was measured
    /// (or asked for) on this machine.
    public func choice(for problem: Problem, steps: Int, context: ExecutionContext = .init()) -> any Schedule {
        if plans[problem] != nil { return choice(for: problem, context: context) }
        return SpectralCostModel(problem: problem, steps: steps).prefersSpectral ? SpectralSchedule() : choice(for: problem, context: context)
    }

    /// One line: the schedule `choice(for:steps:context:)` picks and why.
    public func reason(for problem: Problem, steps: Int, context: ExecutionContext = .init()) -> String {
        if let plan = plans[problem] { return "\(plan.summary): \(plan.reason)" }
        return SpectralCostModel(problem: problem, steps: steps).reason(steps: steps, stepper: choice(for: problem, context: context).descriptor.name)
    }

    /// Every candidate supports every problem; asked of the candidate for the
    /// host all the same, so that a future limitation is not hidden.
    public func limitation(for problem: Problem) -> String? {
        choice(for: problem, context: ExecutionContext()).limitation(for: problem)
    }

    public func threads(for problem: Problem, context: ExecutionContext) -> Int {
        choice(for: problem, context: context).threads(for: problem, context: context)
    }

    public func peakGrids(for problem: Problem) -> Int {
        choice(for: problem, context: ExecutionContext()).peakGrids(for: problem)
    }

    public func advance(_ grid: inout Grid<Double>, steps: Int, problem: Problem, context: ExecutionContext) throws(DiffusionError) {
        try choice(for: problem, steps: steps, context: context).advance(&grid, steps: steps, problem: problem, context: context)
    }

    public func advance(_ grid: inout Grid<Float>, steps: Int, problem: Problem, context: ExecutionContext) throws(DiffusionError) {
        try choice(for: problem, steps: steps, context: context).advance(&grid, steps: steps, problem: problem, context: context)
    }
}
