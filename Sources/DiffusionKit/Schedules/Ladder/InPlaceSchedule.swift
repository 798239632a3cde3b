/// The seed's "NumPy + memory" rung (`diffusion_numpy_memory.py`): in-place
/// operations into a preallocated scratch grid, swapped with the grid after
/// each step.
///
/// One step, as the seed writes it:
///
///     np.copyto(out, g); out *= -4
///     out += np.roll(g, +1, 0); out += np.roll(g, -1, 0)
///     out += np.roll(g, +1, 1); out += np.roll(g, -1, 1)
///     out *= D * dt; out += g
///     g, out = out, g
///
/// so each cell becomes (((((−4·u + N) + S) + W) + E)·r) + u with r = D·dt/dx²
/// (the seed's D·dt, dx = 1) rounded once to the grid's precision. The grid
/// and the scratch grid are `Grid`s (the scratch allocated once per call) and
/// the result ends in `grid` by swapping. But `np.roll` still returns a new
/// array, so each of the four rolls allocates a temporary (`WholeArray`),
/// added in and freed at once.
///
/// For `reflecting` and `fixed(V)` the rolled copy's wrapped row or column
/// holds the grid's own edge or V (`ArrayOperations.roll`).
///
/// Phases per step: "copy", "scale −4", then four times "roll" and
/// "add roll", then "scale D·dt" and "add grid".
///
/// What it demonstrates: in-place operators remove most allocations (11 → 4
/// per step); the rolls' temporaries remain, and with them twelve passes over
/// memory per step, four of them writing a throw-away copy.
public struct InPlaceSchedule: Schedule {
    /// 3 grids at the peak: the field, the Laplacian buffer and one roll temporary at a time (`ScheduleMemoryTests` measures it).
    public func peakGrids(for problem: Problem) -> Int { 3 }

    public init() {}

    public var descriptor: ScheduleDescriptor {
        ScheduleDescriptor(
            name: "in-place",
            seedCounterpart: "NumPy + memory",
            lesson: "in-place operations into a preallocated scratch grid cut the allocations per step from 11 to 4, the temporaries np.roll still makes"
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
        for _ in 0 ..< steps {
            grid.withUnsafeBufferPointer { g in
                scratch.withUnsafeMutableBufferPointer { out in
                    context.phase("copy") { ArrayOperations.copy(g, into: out) }
                    context.phase("scale −4") { ArrayOperations.multiply(out, by: -4) }
                    /// `out += np.roll(g, shift, axis)`: the rolled copy lives
                    /// only for this call, like NumPy's temporary.
                    func addRolled(shift: Int, axis: Int) {
                        let rolled = context.phase("roll") {
                            WholeArray.rolled(g, rows: rows, cols: cols, shift: shift, axis: axis, boundary: boundary)
                        }
                        context.phase("add roll") {
                            rolled.withCells { ArrayOperations.add(UnsafeBufferPointer($0), into: out) }
                        }
                    }
                    addRolled(shift: 1, axis: 0)
                    addRolled(shift: -1, axis: 0)
                    addRolled(shift: 1, axis: 1)
                    addRolled(shift: -1, axis: 1)
                    context.phase("scale D·dt") { ArrayOperations.multiply(out, by: r) }
                    context.phase("add grid") { ArrayOperations.add(g, into: out) }
                }
            }
            swap(&grid, &scratch)
        }
    }
}
