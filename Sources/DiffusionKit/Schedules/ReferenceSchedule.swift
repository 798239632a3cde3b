/// The reference: the plainest correct implementation, written for reading.
///
/// Every other schedule is checked against this one, so it does nothing
/// clever: for each cell it looks up the four neighbours through the boundary
/// rule and applies the update exactly as the model states it,
///
///     u'[i,j] = u[i,j] + r · (u[i+1,j] + u[i−1,j] + u[i,j+1] + u[i,j−1] − 4·u[i,j]),
///
/// summed left to right in that order, with r = D·dt/dx² rounded once to the
/// grid's precision. A schedule that keeps this order of operations gives
/// bit-identical results.
public struct ReferenceSchedule: Schedule {
    public init() {}

    public var descriptor: ScheduleDescriptor {
        ScheduleDescriptor(
            name: "reference",
            seedCounterpart: "(the oracle)",
            lesson: "the model, written for reading: every other schedule is checked against it"
        )
    }

    public func advance(_ grid: inout Grid<Double>, steps: Int, problem: Problem, context: ExecutionContext) {
        Self.advance(&grid, steps: steps, problem: problem)
    }

    public func advance(_ grid: inout Grid<Float>, steps: Int, problem: Problem, context: ExecutionContext) {
        Self.advance(&grid, steps: steps, problem: problem)
    }

    static func advance<Scalar: DiffusionScalar>(_ grid: inout Grid<Scalar>, steps: Int, problem: Problem) {
        var next = grid
        for _ in 0 ..< steps {
            Self.step(grid, into: &next, problem: problem)
            swap(&grid, &next)
        }
    }

    /// One explicit-Euler step from `u` into `next`.
    public static func step<Scalar: DiffusionScalar>(_ u: Grid<Scalar>, into next: inout Grid<Scalar>, problem: Problem) {
        precondition(next.rows == u.rows && next.cols == u.cols, "the grids' shapes differ")
        let r = Scalar(problem.coefficient)
        let rows = u.rows, cols = u.cols
        u.withUnsafeBufferPointer { cells in
            /// The value of cell (i, j), which may lie one cell outside the grid.
            func value(_ i: Int, _ j: Int) -> Scalar {
                let inside = 0 ..< rows ~= i && 0 ..< cols ~= j
                if inside { return cells[i * cols + j] }
                switch problem.boundary {
                case .periodic:
                    return value((i + rows) % rows, (j + cols) % cols)
                case .reflecting:
                    return value(min(max(i, 0), rows - 1), min(max(j, 0), cols - 1))
                case .fixed(let v):
                    return Scalar(v)
                }
            }
            next.withUnsafeMutableBufferPointer { out in
                for i in 0 ..< rows {
                    for j in 0 ..< cols {
                        let laplacian = value(i + 1, j) + value(i - 1, j) + value(i, j + 1) + value(i, j - 1) - 4 * value(i, j)
                        out[i * cols + j] = value(i, j) + r * laplacian
                    }
                }
            }
        }
    }
}
