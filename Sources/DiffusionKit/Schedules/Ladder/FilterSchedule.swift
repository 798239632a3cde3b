/// The seed's SciPy rung (`diffusion_scipy.py`): the Laplacian from a
/// general-purpose filter routine, then the update as two in-place passes.
///
/// One step, into a scratch grid allocated once per call:
///
///     laplace(g, out, mode=…)      # Filter3x3, weights [[0,1,0],[1,−4,1],[0,1,0]]
///     out *= D * dt; out += g
///     g, out = out, g
///
/// The filter (`Filter3x3`) is handed its weights and its boundary mode at
/// run time — `wrap` for `periodic`, `nearest` for `reflecting`, `constant`
/// with cval = V for `fixed(V)` (V rounded to the grid's precision first, the
/// ghost value every other rung uses) — and, as ndimage does, sums the
/// footprint's nonzero terms in C order in `Double`: 0 + N + W − 4·u + E + S,
/// rounded once to the grid's precision. Then ·r (r = D·dt/dx², rounded once
/// to the grid's precision) and + u. Results agree with the reference to
/// rounding; for `Float` the Laplacian is more accurate than the reference's.
///
/// Phases per step: "laplace filter", "scale", "add". None allocates.
///
/// What it demonstrates: a compiled library routine is not automatically
/// fast — a general one pays for generality (a run-time footprint loop per
/// cell, weights it cannot fold, boundary handling through the mode) and so
/// lands behind `in-place` and `roll-add`, as SciPy did in the seed.
public struct FilterSchedule: Schedule {
    public init() {}

    public var descriptor: ScheduleDescriptor {
        ScheduleDescriptor(
            name: "filter",
            seedCounterpart: "SciPy",
            lesson: "a general 3×3 filter with weights and boundary mode given at run time: every cell loops over the kernel, paying for generality"
        )
    }

    /// The five-point Laplacian as 3×3 weights.
    static let laplacianWeights: [[Double]] = [[0, 1, 0], [1, -4, 1], [0, 1, 0]]

    public func advance(_ grid: inout Grid<Double>, steps: Int, problem: Problem, context: ExecutionContext) {
        Self.advance(&grid, steps: steps, problem: problem, context: context)
    }

    public func advance(_ grid: inout Grid<Float>, steps: Int, problem: Problem, context: ExecutionContext) {
        Self.advance(&grid, steps: steps, problem: problem, context: context)
    }

    /// The filter mode that stands for `boundary` (SciPy's `Boundary.scipyMode`).
    static func mode<Scalar: DiffusionScalar>(for boundary: Boundary, as _: Scalar.Type) -> Filter3x3.Mode {
        switch boundary {
        case .periodic: .wrap
        case .reflecting: .nearest
        case .fixed(let value): .constant(Double(Scalar(value)))
        }
    }

    static func advance<Scalar: DiffusionScalar>(
        _ grid: inout Grid<Scalar>, steps: Int, problem: Problem, context: ExecutionContext
    ) {
        guard steps > 0 else { return }
        let rows = grid.rows, cols = grid.cols
        let r = Scalar(problem.coefficient)
        let filter = Filter3x3(weights: laplacianWeights, mode: mode(for: problem.boundary, as: Scalar.self))
        var scratch = Grid<Scalar>(rows: rows, cols: cols)
        for _ in 0 ..< steps {
            grid.withUnsafeBufferPointer { g in
                scratch.withUnsafeMutableBufferPointer { out in
                    context.phase("laplace filter") { filter.correlate(g, rows: rows, cols: cols, into: out) }
                    context.phase("scale") { ArrayOperations.multiply(out, by: r) }
                    context.phase("add") { ArrayOperations.add(g, into: out) }
                }
            }
            swap(&grid, &scratch)
        }
    }
}
