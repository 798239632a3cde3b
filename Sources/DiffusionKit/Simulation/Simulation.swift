#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A field being stepped by a schedule: the state of a `diffuse run`.
///
/// `advance(steps:)` steps in chunks, checking after each chunk that the field
/// is still finite. If it is not, the chunk is replayed one step at a time from
/// a copy kept at its start, so the error names the exact step that first
/// produced a NaN or infinity. After a first one-step chunk, chunks are sized
/// to take about `targetChunkSeconds`, so the checks cost a negligible share
/// of the run and multi-step schedules get long runs of steps.
///
/// A `FastForwardingSchedule` (`spectral`), whose cost does not depend on the
/// number of steps, gets the whole request as one chunk, and names the first
/// non-finite step itself (by bisection) instead of a replay.
public struct Simulation<Scalar: DiffusionScalar> {
    public let problem: Problem
    public let schedule: any Schedule
    public var context: ExecutionContext
    /// The field at step `step`.
    public private(set) var grid: Grid<Scalar>
    /// Steps taken so far.
    public private(set) var step = 0
    /// Seconds spent inside the schedule (not in checks or copies).
    public private(set) var steppingSeconds = 0.0

    /// Asked after every chunk; when it returns true, `advance` returns
    /// early (the field is whole: at a step boundary). `diffuse run` uses it
    /// for interrupts and wall-time checkpoints.
    public var shouldPause: () -> Bool = { false }

    /// The wall-clock duration a chunk of steps aims for.
    public var targetChunkSeconds = 0.1
    private var chunk = 1
    /// The field at the start of the current chunk, in a buffer kept for the
    /// whole simulation (a fresh copy per chunk would page-fault every time).
    private var checkpoint: Grid<Scalar>?

    /// A simulation of `problem` continuing from `grid` at step `step` (a
    /// resumed checkpoint).
    public init(problem: Problem, schedule: any Schedule, context: ExecutionContext = .init(), allowUnstable: Bool = false,
                resuming grid: Grid<Scalar>, atStep step: Int) throws(DiffusionError) {
        try problem.validate(allowUnstable: allowUnstable)
        try problem.checkMemory(grids: schedule.peakGrids(for: problem) + 1)
        if let reason = schedule.limitation(for: problem) {
            throw .unsupported(schedule: schedule.descriptor.name, reason: reason)
        }
        precondition(grid.rows == problem.rows && grid.cols == problem.cols && step >= 0)
        self.problem = problem
        self.schedule = schedule
        self.context = context
        self.grid = grid
        self.step = step
    }

    /// A simulation of `problem` from its initial condition.
    ///
    /// Validates the problem (sizes, parameters, stability unless
    /// `allowUnstable`), checks the memory it needs and that `schedule` supports it.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    public init(problem: Problem, schedule: any Schedule, context: ExecutionContext = .init(), allowUnstable: Bool = false) throws(DiffusionError) {
        try problem.validate(allowUnstable: allowUnstable)
        // What the schedule holds at its peak (the field included), and the
        // copy of the field kept at the start of each chunk.
        try problem.checkMemory(grids: schedule.peakGrids(for: problem) + 1)
        if let reason = schedule.limitation(for: problem) {
            throw .unsupported(schedule: schedule.descriptor.name, reason: reason)
        }
        self.problem = problem
        self.schedule = schedule
        self.context = context
        self.grid = try problem.makeInitialGrid(Scalar.self)
    }

    /// Advances by `steps` steps, calling `progress` with the step count
    /// after each chunk, or fewer when `shouldPause` says so between chunks.
    ///
    /// - Throws: `DiffusionError.nonFinite(step:)` naming the first step whose
    ///   field holds a NaN or infinity; the simulation then holds the field
    ///   before that step.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    public mutating func advance(steps: Int, progress: (Int) -> Void = { _ in }) throws(DiffusionError) {
        var remaining = steps
        while remaining > 0 {
            if shouldPause() { return }
            let count = schedule is any FastForwardingSchedule ? remaining : min(chunk, remaining)
            if checkpoint == nil { checkpoint = try Grid(allocating: problem.rows, cols: problem.cols) }
            checkpoint!.assign(from: grid)
            let started = monotonicSeconds()
            try schedule.run(&grid, steps: count, problem: problem, context: context)
            let elapsed = monotonicSeconds() - started
            steppingSeconds += elapsed
            if !FieldComparison.isFinite(grid) {
                try locateNonFinite(from: checkpoint!, within: count)
            }
            step += count
            remaining -= count
            progress(step)
            // Aim the next chunk at the target duration, growing at most 64-fold
            // a time (the first step of a run is often the slowest).
            let perStep = max(elapsed / Double(count), 1e-9)
            chunk = max(1, min(Int(min(targetChunkSeconds / perStep, 1e9)), chunk * 64))
        }
    }

    private mutating func locateNonFinite(from checkpoint: Grid<Scalar>, within count: Int) throws(DiffusionError) {
        if let schedule = schedule as? any FastForwardingSchedule {
            if let offset = try schedule.firstNonFiniteStep(from: checkpoint, within: count, field: &grid, problem: problem, context: context) {
                throw .nonFinite(step: step + offset)
            }
            return
        }
        grid = checkpoint
        for offset in 1 ... count {
            var next = grid
            try schedule.run(&next, steps: 1, problem: problem, context: context)
            if !FieldComparison.isFinite(next) { throw .nonFinite(step: step + offset) }
            grid = next
        }
        // Stepping one at a time stayed finite: the schedule's multi-step pass
        // overflowed where single steps did not; report the chunk's last step.
        throw .nonFinite(step: step + count)
    }
}

/// Seconds on the monotonic clock.
func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
}
