/// The seed's pure-Python rung (`diffusion_python.py`): the grid as a list of
/// row lists, and a new grid allocated every step.
///
/// Each call converts the grid into an array of row arrays (`[[Scalar]]`),
/// then for every step allocates a new grid of zeros (rows + 1 heap
/// allocations, `NestedEvolve.zeros`) and fills it with `NestedEvolve.evolve`:
/// ordinary checked subscripts, two per access, and every neighbour found
/// through the boundary rule (modulo indexing for `periodic`). The old grid is
/// freed when the new one replaces it. At the end the rows are copied back
/// into the contiguous `grid`.
///
/// Arithmetic is the reference's, in its order, so the result is
/// bit-identical to `ReferenceSchedule`.
///
/// Phases: "convert" (once each way per call), then per step "allocate" and
/// "compute".
///
/// What it demonstrates: the cost of the data structure rather than the
/// arithmetic — a pointer per row, two bounds checks and a modulo per access,
/// and fresh memory every step. (Swift's rows hold the numbers inline, where
/// Python's lists hold pointers to boxed floats, so Swift pays for less of
/// this than Python does; the shape of the lesson is the same.)
public struct NestedSchedule: Schedule {
    /// 4 grids at the peak: the field, its nested-array copy `u`, the nested result, and the rows being built (`ScheduleMemoryTests` measures it).
    public func peakGrids(for problem: Problem) -> Int { 4 }

    public init() {}

    public var descriptor: ScheduleDescriptor {
        ScheduleDescriptor(
            name: "nested",
            seedCounterpart: "pure Python",
            lesson: "a grid of row arrays: two checked subscripts and a modulo per neighbour, and a new grid (rows + 1 allocations) every step"
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
        let rows = grid.rows, cols = grid.cols
        let r = Scalar(problem.coefficient)
        var u = context.phase("convert") { grid.nestedRows }
        for _ in 0 ..< steps {
            // The seed's `new_grid = [[0.0] * ymax for x in range(xmax)]`.
            var next: [[Scalar]] = context.phase("allocate") { NestedEvolve.zeros(rows: rows, cols: cols) }
            context.phase("compute") { NestedEvolve.evolve(u, into: &next, r: r, boundary: problem.boundary) }
            // `grid = evolve(grid, dt)`: the old grid's rows are freed here.
            u = next
        }
        grid = context.phase("convert") { Grid(nestedRows: u) }
    }
}
