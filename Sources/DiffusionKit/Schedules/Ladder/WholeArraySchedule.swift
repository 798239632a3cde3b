/// The seed's NumPy rung (`diffusion_numpy_naive.py`): whole-array
/// expressions, each operation answering with a new array.
///
/// One step evaluates, as NumPy evaluates them,
///
///     laplacian = roll(g, +1, 0) + roll(g, −1, 0) + roll(g, +1, 1) + roll(g, −1, 1) − 4·g
///     g = g + dt·D·laplacian
///
/// left to right, every roll and every arithmetic operation writing a new
/// full-size `WholeArray` (one allocation each) that is freed once consumed:
/// four rolls, three additions, 4·g, the subtraction, the scaling and the
/// final addition — eleven new arrays and eleven passes over memory per step.
/// Cell by cell that is u + r·(((((N + S) + W) + E) − 4·u)) with
/// r = D·dt/dx² (the seed's dt·D, dx = 1) rounded once to the grid's
/// precision: the same terms as the reference in another order, so results
/// agree to rounding, not bit for bit.
///
/// For `periodic` the rolls are NumPy's; for `reflecting` and `fixed(V)` the
/// row or column that wraps around takes the grid's own edge or V
/// (`ArrayOperations.roll`).
///
/// Phases: "convert" (into a `WholeArray` and back, once each per call), then
/// per step "roll" ×4, "add" ×3, "scale" ×2 (4·g and dt·D·laplacian),
/// "subtract" and "update" (g + …); each of those allocates its result.
///
/// What it demonstrates: the price of whole-array evaluation — eleven
/// allocations and eleven passes over memory per step, each reading and
/// writing a grid-sized array. In the seed this rung was 60× faster than pure
/// Python because the loops left the interpreter; Swift's `nested` loops are
/// compiled already, so here only the price is left, and the two rungs run
/// about equally fast. How high the price is depends on the allocator's
/// state: when freed arrays go back to the kernel (glibc trims the top of its
/// heap, or maps large blocks afresh), every new array is faulted in page by
/// page — some 600,000 minor page faults for the seed's workload, like the
/// seed's 750,879 for NumPy — and the rung runs two to three times slower.
public struct WholeArraySchedule: Schedule {
    /// 8 grids at the peak: the field, its copy, the four rolled temporaries of the Laplacian, their running sums and the update: measured 7 grids besides the run's own copy; one more for headroom (`ScheduleMemoryTests` measures it).
    public func peakGrids(for problem: Problem) -> Int { 8 }

    public init() {}

    public var descriptor: ScheduleDescriptor {
        ScheduleDescriptor(
            name: "whole-array",
            seedCounterpart: "NumPy",
            lesson: "whole-array passes over one contiguous buffer, but 11 operations per step, each allocating a new full-size array and passing over memory"
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
        var g = context.phase("convert") {
            grid.withUnsafeBufferPointer { WholeArray.copy(of: $0, rows: grid.rows, cols: grid.cols) }
        }
        for _ in 0 ..< steps {
            // `grid = evolve(grid, dt)`: the old grid is freed on reassignment.
            g = evolve(g, r: r, boundary: problem.boundary, context: context)
        }
        context.phase("convert") {
            grid.withUnsafeMutableBufferPointer { out in
                g.withCells { ArrayOperations.copy(UnsafeBufferPointer($0), into: out) }
            }
        }
    }

    /// `grid + dt * D * laplacian(grid)`, one new array per operation.
    ///
    /// `term` is reassigned rather than bound anew so that each consumed
    /// temporary is freed as soon as the next one replaces it, as NumPy
    /// frees an operand when the expression no longer holds it.
    static func evolve<Scalar: DiffusionScalar>(
        _ g: WholeArray<Scalar>, r: Scalar, boundary: Boundary, context: ExecutionContext
    ) -> WholeArray<Scalar> {
        var sum = context.phase("roll") { g.rolled(shift: 1, axis: 0, boundary: boundary) }
        var term = context.phase("roll") { g.rolled(shift: -1, axis: 0, boundary: boundary) }
        sum = context.phase("add") { sum + term }
        term = context.phase("roll") { g.rolled(shift: 1, axis: 1, boundary: boundary) }
        sum = context.phase("add") { sum + term }
        term = context.phase("roll") { g.rolled(shift: -1, axis: 1, boundary: boundary) }
        sum = context.phase("add") { sum + term }
        term = context.phase("scale") { 4 * g }
        let laplacian = context.phase("subtract") { sum - term }
        // `dt * D` is a Python float product: one scalar times the array.
        let increment = context.phase("scale") { r * laplacian }
        return context.phase("update") { g + increment }
    }
}
