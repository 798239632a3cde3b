import Dispatch

/// The seed's "NumPy + memory2 + numexpr" rung: the roll-add Laplacian, then
/// the update evaluated as numexpr evaluates
/// `evaluate("next_grid*D*dt+grid", out=next_grid)`.
///
/// One step, into a scratch grid allocated once per call:
///
///     laplacian(g, out)                  # RollAdd.laplacian, as in roll-add
///     evaluate("out*D*dt + g", out=out)  # one pass, block by block, all cores
///     g, out = out, g
///
/// numexpr compiles the expression to opcodes for its virtual machine and
/// runs them over blocks of `blockSize` cells: each opcode makes a pass over
/// a block-sized register (here `t = out·r`, then `out = t + g`), so the
/// block stays in L1 while memory is crossed once. The blocks are shared out
/// among its thread pool; here among `context.resolvedThreads` workers of one
/// `DispatchQueue.concurrentPerform` per step — a fork and join on every call,
/// the per-call overhead numexpr has too. The workers take contiguous runs of
/// blocks (numexpr hands blocks out one at a time; with equal blocks the
/// shares are the same). With one block or one thread the update runs on the
/// calling thread. The registers are allocated once per call, one per worker.
///
/// r = D·dt/dx² rounded once to the grid's precision; numexpr would multiply
/// by D and then by dt, which for the seed's D = 1 is the same number. Each
/// cell becomes (((((−4·u + N) + S) + W) + E)·r) + u, bit-identical to
/// `roll-add`.
///
/// Phases per step: those of `RollAdd.laplacian` ("copy", "scale −4",
/// "roll-add rows" ×2, "roll-add cols" ×2), then "numexpr update", reported
/// from the calling thread around the whole parallel pass.
///
/// What it demonstrates: fusing the last two passes into one and spreading it
/// over the cores speeds up only that part — the Laplacian's six passes
/// remain single-threaded — while the thread hand-off costs microseconds per
/// step, so on small grids or few cores it can lose to `roll-add`.
public struct RollAddBlockedSchedule: Schedule {
    public init() {}

    /// Cells per block: numexpr's `BLOCK_SIZE1` (1024 in current releases;
    /// older ones used 4096 only when built with Intel's VML, whose functions
    /// thread themselves over a block). 1024 doubles are 8 KiB, so the block of
    /// `out`, the block of `g` and the register together fill under 24 KiB,
    /// inside a 32 KiB L1 data cache; for `Float` half that.
    static let blockSize = 1024

    public var descriptor: ScheduleDescriptor {
        ScheduleDescriptor(
            name: "roll-add-blocked",
            seedCounterpart: "NumPy + memory2 + numexpr",
            lesson: "the update fused into one pass over L1-sized blocks on all cores; the Laplacian's passes stay, and the per-step thread fork costs microseconds",
            isParallel: true
        )
    }

    /// Workers for `problem`: `context.resolvedThreads` (the machine's cores
    /// by default), but never more than there are blocks of `blockSize`
    /// cells — a 30 × 30 grid has one block and runs on the calling thread.
    public func threads(for problem: Problem, context: ExecutionContext) -> Int {
        Self.workers(cells: problem.cellCount, context: context)
    }

    static func workers(cells: Int, context: ExecutionContext) -> Int {
        let blocks = (cells + blockSize - 1) / blockSize
        return max(1, min(context.resolvedThreads, blocks))
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
        let rows = grid.rows, cols = grid.cols, count = grid.count
        let r = Scalar(problem.coefficient)
        let blocks = (count + blockSize - 1) / blockSize
        let workers = workers(cells: count, context: context)
        var scratch = Grid<Scalar>(rows: rows, cols: cols)
        let registers = UnsafeMutablePointer<Scalar>.allocate(capacity: workers * blockSize)
        defer { registers.deallocate() }
        for _ in 0 ..< steps {
            grid.withUnsafeBufferPointer { g in
                scratch.withUnsafeMutableBufferPointer { out in
                    RollAdd.laplacian(g, rows: rows, cols: cols, boundary: problem.boundary, into: out, context: context)
                    context.phase("numexpr update") {
                        let task = UpdateTask(
                            out: out.baseAddress!, grid: g.baseAddress!, registers: registers,
                            count: count, blocks: blocks, workers: workers, r: r)
                        if workers == 1 {
                            task.run(worker: 0)
                        } else {
                            DispatchQueue.concurrentPerform(iterations: workers) { task.run(worker: $0) }
                        }
                    }
                }
            }
            swap(&grid, &scratch)
        }
    }

    /// The pointers one step's update works on, shared by its workers.
    ///
    /// @unchecked Sendable: the workers write disjoint blocks of `out` and
    /// their own register, read `grid`, and all finish before
    /// `concurrentPerform` returns, so no cell is touched by two threads.
    struct UpdateTask<Scalar: DiffusionScalar>: @unchecked Sendable {
        let out: UnsafeMutablePointer<Scalar>
        let grid: UnsafePointer<Scalar>
        let registers: UnsafeMutablePointer<Scalar>
        let count: Int
        let blocks: Int
        let workers: Int
        let r: Scalar

        /// Worker `worker`'s share: blocks [worker·blocks/workers, (worker+1)·blocks/workers).
        @inline(__always)
        func run(worker: Int) {
            let register = registers + worker * blockSize
            for block in worker * blocks / workers ..< (worker + 1) * blocks / workers {
                let start = block * blockSize
                let length = min(blockSize, count - start)
                let o = out + start, g = grid + start
                // Opcode 1: t = out · r
                for k in 0 ..< length { register[k] = o[k] * r }
                // Opcode 2: out = t + grid
                for k in 0 ..< length { o[k] = register[k] + g[k] }
            }
        }
    }
}
