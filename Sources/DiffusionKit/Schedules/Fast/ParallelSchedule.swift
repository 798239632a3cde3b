/// `parallel`: the `simd` kernel on all cores, one step per sweep.
///
/// Scheme: the rows are split into one contiguous band per thread
/// (`FastSupport.bands`, inner boundaries on multiples of 4); every thread
/// steps its band with the `simd` kernel (`StencilKernel`) from one grid into
/// the other, waits at a barrier, and the grids swap roles. The threads are a
/// persistent `ThreadTeam` — created on first use, one per thread count, and
/// reused by every later run — and a whole run is one dispatch to it: the
/// per-step cost is one barrier (spinning for the few microseconds the
/// threads arrive apart), not a thread-pool dispatch.
///
/// Memory traffic per update: as `simd`, 8 bytes read and 8 written
/// (Double), from L3 for the 640² seed grids, from DRAM for 4096². Each
/// thread reads one row of its neighbour's band per step.
///
/// Why it is fast: all cores on the vector kernel, with synchronisation
/// that costs < 1 µs a step. Its limit is the shared cache and memory
/// bandwidth: two cores streaming 3.3 MB grids through L3 every step, or
/// 134 MB grids through DRAM — which `temporal` avoids.
///
/// Edge cases: an explicit `context.threads` is honoured (at most one thread
/// per row); the default, every core, is capped so that each thread has at
/// least `FastSupport.minimumCellsPerThread` cells — grids below 256 × 256
/// run on the calling thread alone, where a barrier would cost more than it
/// saves. Concurrent
/// runs with the same thread count share one team and take turns.
/// Bit-identical to `ReferenceSchedule`.
public struct ParallelSchedule: Schedule {
    public init() {}

    public var descriptor: ScheduleDescriptor {
        ScheduleDescriptor(
            name: "parallel",
            seedCounterpart: "(beyond the seed)",
            lesson: "the simd kernel on every core: a persistent thread team and one barrier per step, "
                + "until shared-cache or memory bandwidth runs out",
            isParallel: true
        )
    }

    public func threads(for problem: Problem, context: ExecutionContext) -> Int {
        FastSupport.members(context: context, rows: problem.rows, cols: problem.cols)
    }

    public func advance(_ grid: inout Grid<Double>, steps: Int, problem: Problem, context: ExecutionContext) {
        Self.advance(&grid, steps: steps, problem: problem, context: context)
    }

    public func advance(_ grid: inout Grid<Float>, steps: Int, problem: Problem, context: ExecutionContext) {
        Self.advance(&grid, steps: steps, problem: problem, context: context)
    }

    static func advance<Scalar: StencilScalar>(
        _ grid: inout Grid<Scalar>, steps: Int, problem: Problem, context: ExecutionContext
    ) {
        guard steps > 0 else { return }
        let rows = grid.rows, cols = grid.cols
        let members = FastSupport.members(context: context, rows: rows, cols: cols)
        let bands = FastSupport.bands(rows: rows, members: members)
        let ghost = GhostRow<Scalar>(problem: problem, cols: cols)
        let edges = GridEdges<Scalar>(
            boundary: problem.boundary, coefficient: Scalar(problem.coefficient),
            fixedValue: Scalar(problem.boundary.fixedValue ?? 0), ghostRow: UnsafePointer(ghost.pointer),
            vectorBytes: context.machine.vectorBytes)
        let team = members > 1 ? ThreadTeam.shared(size: members) : nil
        var next = ScratchPool.take(rows: rows, cols: cols, as: Scalar.self)
        context.phase("steps (on the thread team)") {
            grid.withUnsafeMutableBufferPointer { first in
                next.withUnsafeMutableBufferPointer { second in
                    let a = first.baseAddress!, b = second.baseAddress!
                    let body = { (member: Int) in
                        var source = a, target = b
                        for _ in 0 ..< steps {
                            Scalar.updateBand(
                                source: source, target: target,
                                rows: rows, cols: cols, band: bands[member], edges: edges)
                            // Every band of this step is written before any
                            // thread reads it as the next step's source.
                            team?.barrier()
                            swap(&source, &target)
                        }
                    }
                    if let team { team.run(body) } else { body(0) }
                }
            }
        }
        // After an odd number of steps the field is in `next`.
        if steps % 2 == 1 { swap(&grid, &next) }
        ScratchPool.giveBack(next)
        withExtendedLifetime(ghost) {}
    }
}
