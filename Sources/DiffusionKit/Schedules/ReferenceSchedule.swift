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
        let r = Scalar(problem.coefficient)
        for i in 0 ..< u.rows {
            for j in 0 ..< u.cols {
                let laplacian = neighbour(u, i + 1, j, problem.boundary)
                    + neighbour(u, i - 1, j, problem.boundary)
                    + neighbour(u, i, j + 1, problem.boundary)
                    + neighbour(u, i, j - 1, problem.boundary)
                    - 4 * u[i, j]
                next[i, j] = u[i, j] + r * laplacian
            }
        }
    }

    /// The value of cell (i, j), which may lie one cell outside the grid.
    static func neighbour<Scalar: DiffusionScalar>(_ u: Grid<Scalar>, _ i: Int, _ j: Int, _ boundary: Boundary) -> Scalar {
        let inside = 0 ..< u.rows ~= i && 0 ..< u.cols ~= j
        if inside { return u[i, j] }
        switch boundary {
        case .periodic:
            return u[(i + u.rows) % u.rows, (j + u.cols) % u.cols]
        case .reflecting:
            return u[min(max(i, 0), u.rows - 1), min(max(j, 0), u.cols - 1)]
        case .fixed(let value):
            return Scalar(value)
        }
    }
}
