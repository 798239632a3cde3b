/// The seed's "NumPy + memory2" rung (`diffusion_numpy_memory2.py`): no
/// temporaries at all.
///
/// One step, into a scratch grid allocated once per call:
///
///     np.copyto(out, g); out *= -4
///     roll_add(g, +1, 0, out); roll_add(g, -1, 0, out)
///     roll_add(g, +1, 1, out); roll_add(g, -1, 1, out)
///     out *= D * dt; out += g
///     g, out = out, g
///
/// where `roll_add` adds the shifted grid as two slice additions — the block
/// that moves and the edge that wraps (`RollAdd.add`). Each cell becomes
/// (((((−4·u + N) + S) + W) + E)·r) + u, r = D·dt/dx² rounded once to the
/// grid's precision: the same order as `in-place`, so the two agree bit for
/// bit. For `reflecting` and `fixed(V)` the wrapped edge adds the grid's own
/// edge or V.
///
/// Phases per step: "copy", "scale −4", "roll-add rows" ×2, "roll-add cols"
/// ×2, "scale", "add". None allocates; the result ends in `grid` by swapping.
///
/// What it demonstrates: with no allocation left, the time is the passes
/// over memory — eight full passes per step (plus four edge passes) for
/// arithmetic that needs one.
public struct RollAddSchedule: Schedule {
    public init() {}

    public var descriptor: ScheduleDescriptor {
        ScheduleDescriptor(
            name: "roll-add",
            seedCounterpart: "NumPy + memory2",
            lesson: "each shifted add done as two slice adds into the output: no temporaries, no allocation, but eight passes over memory per step"
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
        var scratch = Grid<Scalar>(rows: rows, cols: cols)
        for _ in 0 ..< steps {
            grid.withUnsafeBufferPointer { g in
                scratch.withUnsafeMutableBufferPointer { out in
                    RollAdd.laplacian(g, rows: rows, cols: cols, boundary: problem.boundary, into: out, context: context)
                    context.phase("scale") { ArrayOperations.multiply(out, by: r) }
                    context.phase("add") { ArrayOperations.add(g, into: out) }
                }
            }
            swap(&grid, &scratch)
        }
    }
}
