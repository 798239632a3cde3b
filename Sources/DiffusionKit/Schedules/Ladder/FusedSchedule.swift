/// One pass per step: the Laplacian and the update together for each cell,
/// on one core, through unsafe buffer pointers. Beyond the seed; the baseline
/// every faster schedule must beat.
///
/// Each step reads the grid once and writes the scratch grid once (allocated
/// once per call; the two are swapped, so the result ends in `grid`):
///
///     out[i,j] = u + r · ((((S + N) + E) + W) − 4·u)
///
/// with u = u[i,j], S = u[i+1,j], N = u[i−1,j], E = u[i,j+1], W = u[i,j−1]
/// and r = D·dt/dx² rounded once to the grid's precision: the reference's
/// order of operations, so the result is bit-identical to `ReferenceSchedule`.
///
/// Every row is computed from three row pointers — north, middle, south. For
/// rows 1 ..< rows−1 they are the neighbouring rows; for the first and last
/// row the missing one is the row the boundary rule puts there
/// (`Boundary.row`: the opposite edge row, the edge row itself, or a ghost
/// row of V allocated once per call). Within a row, columns 1 ..< cols−1 are
/// a branch-free loop the compiler vectorises; columns 0 and cols−1 take
/// their west or east neighbour from the same rule (`Boundary.value`). So the
/// boundary is decided once per edge, never per cell.
///
/// Phases: "step", once per step. No step allocates.
public struct FusedSchedule: Schedule {
    public init() {}

    public var descriptor: ScheduleDescriptor {
        ScheduleDescriptor(
            name: "fused",
            seedCounterpart: "(beyond the seed)",
            lesson: "one pass over memory per step, Laplacian and update together, no bounds checks, one core: the baseline to beat"
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
        let boundary = problem.boundary
        var scratch = Grid<Scalar>(rows: rows, cols: cols)
        // The row beyond the first and last rows under `fixed(V)`.
        let ghost = [Scalar](repeating: Scalar(boundary.fixedValue ?? 0), count: cols)
        ghost.withUnsafeBufferPointer { ghostRow in
            for _ in 0 ..< steps {
                context.phase("step") {
                    grid.withUnsafeBufferPointer { u in
                        scratch.withUnsafeMutableBufferPointer { out in
                            step(u.baseAddress!, into: out.baseAddress!, rows: rows, cols: cols, r: r,
                                 boundary: boundary, ghostRow: ghostRow.baseAddress!)
                        }
                    }
                }
                swap(&grid, &scratch)
            }
        }
    }

    /// One step from `u` into `out`, both rows × cols.
    static func step<Scalar: DiffusionScalar>(
        _ u: UnsafePointer<Scalar>, into out: UnsafeMutablePointer<Scalar>, rows: Int, cols: Int, r: Scalar,
        boundary: Boundary, ghostRow: UnsafePointer<Scalar>
    ) {
        // The rows beyond the first and the last, by the boundary rule.
        let aboveFirst = boundary.row(-1, of: u, rows: rows, cols: cols, ghostRow: ghostRow)
        let belowLast = boundary.row(rows, of: u, rows: rows, cols: cols, ghostRow: ghostRow)
        let ghost = Scalar(boundary.fixedValue ?? 0)

        /// Row `i` from its north, middle and south rows.
        @inline(__always)
        func row(_ i: Int, north: UnsafePointer<Scalar>, south: UnsafePointer<Scalar>) {
            let mid = u + i * cols, o = out + i * cols
            for j in 1 ..< cols - 1 {
                let c = mid[j]
                o[j] = c + r * ((((south[j] + north[j]) + mid[j + 1]) + mid[j - 1]) - 4 * c)
            }
            // The west neighbour of column 0 and the east neighbour of column cols−1.
            let west = boundary.value(-1, of: mid, count: cols, fixedValue: ghost)
            let east = boundary.value(cols, of: mid, count: cols, fixedValue: ghost)
            let c0 = mid[0]
            o[0] = c0 + r * ((((south[0] + north[0]) + mid[1]) + west) - 4 * c0)
            let n = cols - 1, cn = mid[n]
            o[n] = cn + r * ((((south[n] + north[n]) + east) + mid[n - 1]) - 4 * cn)
        }

        row(0, north: aboveFirst, south: u + cols)
        for i in 1 ..< rows - 1 {
            row(i, north: u + (i - 1) * cols, south: u + (i + 1) * cols)
        }
        row(rows - 1, north: u + (rows - 2) * cols, south: belowLast)
    }
}
