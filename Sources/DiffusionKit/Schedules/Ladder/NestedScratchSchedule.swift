/// The seed's "Python + memory" rung (`diffusion_python_memory.py`): the
/// pure-Python rung with one scratch grid allocated up front and swapped with
/// the grid after each step, so no step allocates.
///
/// Each call converts the grid into row arrays and allocates one scratch grid
/// of rows arrays ("allocate", once per call); each step writes
/// `NestedEvolve.evolve` of the grid into the scratch grid ("compute") and
/// swaps the two (two array references, no copying). At the end the rows are
/// copied back into `grid`.
///
/// Arithmetic is the reference's, in its order: bit-identical to `ReferenceSchedule`.
///
/// Phases: "convert" (once each way per call), "allocate" (once per call),
/// then per step "compute".
///
/// What it demonstrates: the seed's finding that removing the allocations
/// barely helps (178 s → 171 s) — the time was in the per-access overhead,
/// which this rung keeps.
public struct NestedScratchSchedule: Schedule {
    /// 4 grids at the peak: the field, its nested-array copy, the nested scratch grid, and the rows being built (`ScheduleMemoryTests` measures it).
    public func peakGrids(for problem: Problem) -> Int { 4 }

    public init() {}

    public var descriptor: ScheduleDescriptor {
        ScheduleDescriptor(
            name: "nested-scratch",
            seedCounterpart: "Python + memory",
            lesson: "one scratch grid allocated once and swapped: allocation was a small share, the per-access overhead stays"
        )
    }

    public func advance(_ grid: inout Grid<Double>, steps: Int, problem: Problem, context: ExecutionContext) {
        Self.advance(&grid, steps: steps, problem: problem, context: context)
    }

    public func advance(_ grid: inout Grid<Float>, steps: Int, problem: Problem, context: ExecutionContext) {
        Self.advance(&grid, steps: steps, problem: problem, context: context)
    }

    static func advance<Scalar: DiffusionScalar>(
        _ grid: inout Grid<Scalar>, steps: Int, problem: Problem, context: ExecutionContext
    ) {
        guard steps > 0 else { return }
        let r = Scalar(problem.coefficient)
        var u = context.phase("convert") { grid.nestedRows }
        var scratch: [[Scalar]] = context.phase("allocate") { NestedEvolve.zeros(rows: grid.rows, cols: grid.cols) }
        for _ in 0 ..< steps {
            context.phase("compute") { NestedEvolve.evolve(u, into: &scratch, r: r, boundary: problem.boundary) }
            // `grid, scratch = scratch, grid`
            swap(&u, &scratch)
        }
        grid = context.phase("convert") { Grid(nestedRows: u) }
    }
}
