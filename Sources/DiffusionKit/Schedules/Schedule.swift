/// How a `Problem` is stepped: one rung of the ladder.
///
/// Every schedule computes the same algorithm — explicit Euler with the
/// five-point Laplacian (`Problem`) — and differs only in *how*: data layout,
/// temporaries, passes over memory, vectors, threads, tiles. Each is one small
/// file that conforms to this protocol and is listed in `ScheduleRegistry`.
///
/// The reference schedule (`ReferenceSchedule`) is the oracle; every other
/// schedule's result is compared with it before its time is shown.
///
/// A schedule is usually written once, generically over `DiffusionScalar`,
/// and the two `advance` requirements forward to that generic function *in
/// the same file*: the optimiser then specialises it for `Double` and `Float`
/// even when the module is compiled file by file (an unspecialised generic
/// kernel runs orders of magnitude slower).
public protocol Schedule: Sendable {
    /// Name, seed counterpart and lesson.
    var descriptor: ScheduleDescriptor { get }

    /// Why this schedule cannot run `problem`, or nil when it can.
    ///
    /// The default is nil: every schedule supports every boundary, shape from
    /// 3 × 3 up, and both precisions unless it says otherwise here.
    func limitation(for problem: Problem) -> String?

    /// How many threads the schedule uses for `problem` under `context`.
    ///
    /// The default is 1, or `context.resolvedThreads` (`context.threads`, or
    /// every core of `context.machine`) for a schedule whose descriptor says
    /// it is parallel. A parallel schedule that runs fewer — capped by rows,
    /// blocks or cells per thread — must say so here, from the same function
    /// its `advance` uses, so that reports state what really ran.
    func threads(for problem: Problem, context: ExecutionContext) -> Int

    /// Grid-sized buffers alive at the schedule's peak while it advances
    /// `problem`, the field itself included: what `Simulation` budgets
    /// (plus its own copy of the field) before allocating.
    ///
    /// The default, 2, is the field and one scratch grid. Schedules that
    /// keep more temporaries (NumPy-style whole-array expressions) say so
    /// here; `ScheduleMemoryTests` measures each against this figure.
    func peakGrids(for problem: Problem) -> Int

    /// Advances `grid` by `steps` steps of `problem`.
    ///
    /// `grid` holds the field at the current step and is replaced by the field
    /// `steps` steps later. Scratch memory is the schedule's own business.
    ///
    /// - Precondition: `grid` has the problem's shape and `steps >= 0`.
    func advance(_ grid: inout Grid<Double>, steps: Int, problem: Problem, context: ExecutionContext) throws(DiffusionError)

    /// Advances a single-precision `grid`; see the `Double` variant.
    func advance(_ grid: inout Grid<Float>, steps: Int, problem: Problem, context: ExecutionContext) throws(DiffusionError)
}

extension Schedule {
    public func limitation(for problem: Problem) -> String? { nil }

    public func peakGrids(for problem: Problem) -> Int { 2 }

    public func threads(for problem: Problem, context: ExecutionContext) -> Int {
        guard descriptor.isParallel else { return 1 }
        return context.resolvedThreads
    }

    /// Advances `grid` by `steps` steps after checking the schedule supports `problem`.
    public func run<Scalar: DiffusionScalar>(
        _ grid: inout Grid<Scalar>, steps: Int, problem: Problem, context: ExecutionContext = .init()
    ) throws(DiffusionError) {
        precondition(grid.rows == problem.rows && grid.cols == problem.cols, "the grid's shape differs from the problem's")
        precondition(steps >= 0, "steps must not be negative")
        if let reason = limitation(for: problem) {
            throw .unsupported(schedule: descriptor.name, reason: reason)
        }
        switch Scalar.precision {
        case .double:
            try withGrid(&grid, as: Double.self) { (grid) throws(DiffusionError) in
                try advance(&grid, steps: steps, problem: problem, context: context)
            }
        case .float:
            try withGrid(&grid, as: Float.self) { (grid) throws(DiffusionError) in
                try advance(&grid, steps: steps, problem: problem, context: context)
            }
        }
    }
}

/// Calls `body` with `grid` seen as a `Grid<Concrete>`, for a `Scalar` known
/// (by its `precision`) to be `Concrete`: the same type, so the memory is
/// merely rebound, without a copy or a retain.
@inline(__always)
func withGrid<Scalar: DiffusionScalar, Concrete: DiffusionScalar>(
    _ grid: inout Grid<Scalar>, as _: Concrete.Type, _ body: (inout Grid<Concrete>) throws(DiffusionError) -> Void
) throws(DiffusionError) {
    precondition(Scalar.self == Concrete.self)
    try withUnsafeMutablePointer(to: &grid) { (pointer) throws(DiffusionError) in
        try pointer.withMemoryRebound(to: Grid<Concrete>.self, capacity: 1) { (rebound) throws(DiffusionError) in
            try body(&rebound.pointee)
        }
    }
}
